package io.purgeline.contracts;

import java.util.List;

/** Body of {@code POST /v1/agent/callback}. */
public record AgentCallback(String nodeId, List<SubtaskResult> results) {}
