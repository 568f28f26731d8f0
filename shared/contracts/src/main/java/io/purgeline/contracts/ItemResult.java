package io.purgeline.contracts;

/** The outcome of one URL, directory or tag on one node. {@code error} is null on success. */
public record ItemResult(String target, int httpCode, long bytes, long elapsedMs, String error) {}
