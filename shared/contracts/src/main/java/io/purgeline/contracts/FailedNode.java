package io.purgeline.contracts;

/** A node that did not finish a task, and why, in words a person can act on. */
public record FailedNode(String nodeId, String reason) {}
