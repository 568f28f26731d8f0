package io.purgeline.contracts;

/** Body of {@code POST /v1/agent/heartbeat}: the agent is alive, with its queue sizes. */
public record Heartbeat(String nodeId, String version, String cache, int queued, int running) {}
