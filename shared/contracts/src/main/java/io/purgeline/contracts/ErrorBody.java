package io.purgeline.contracts;

/** Every HTTP error body: a stable code for programs and a sentence for people. */
public record ErrorBody(String error, String message) {}
