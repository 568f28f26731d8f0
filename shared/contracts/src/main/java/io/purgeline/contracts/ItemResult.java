package io.purgeline.contracts;

/**
 * The outcome of one URL, directory or tag on one node. {@code error} is null on success. {@code verification} is
 * present only when the task asked for it ({@code options.verify}) and the agent re-requested the URL; results from
 * agents that do not verify decode with it null.
 */
public record ItemResult(String target, int httpCode, long bytes, long elapsedMs, String error,
        Verification verification) {

    /** An outcome without verification. */
    public ItemResult(String target, int httpCode, long bytes, long elapsedMs, String error) {
        this(target, httpCode, bytes, elapsedMs, error, null);
    }
}
