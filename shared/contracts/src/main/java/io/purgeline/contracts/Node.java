package io.purgeline.contracts;

/** One cache server with its agent. {@code address} is the agent's host:port. */
public record Node(String nodeId, String address, int tier, String region, String state) {}
