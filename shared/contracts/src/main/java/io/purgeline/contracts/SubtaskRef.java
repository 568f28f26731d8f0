package io.purgeline.contracts;

/** One subtask as planned at intake: the work of a task on one node. */
public record SubtaskRef(String subtaskId, String nodeId, int tier) {}
