package io.purgeline.contracts;

import java.util.List;

/** Body of {@code POST /v1/agent/task}: work for one node and where to report it. */
public record AgentBatch(String nodeId, String callbackApi, List<AgentSubtask> subtasks) {}
