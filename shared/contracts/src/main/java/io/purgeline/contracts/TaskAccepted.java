package io.purgeline.contracts;

/** The HTTP API's answer to an accepted submission. */
public record TaskAccepted(String taskId, String state, int total) {}
