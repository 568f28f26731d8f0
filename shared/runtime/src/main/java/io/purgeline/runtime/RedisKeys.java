package io.purgeline.runtime;

/** Every Redis key, under the namespace. One place, so that writers and readers agree. */
public record RedisKeys(String namespace) {
    public static RedisKeys of(PurgelineConfig config) {
        return new RedisKeys(config.namespace());
    }

    /** Everything under this namespace, for SCAN-based clean-up. */
    public String pattern() {
        return namespace + ":*";
    }

    /** Hash of a task's live counters: total, done, failed, expired, state. Written only by the saver. */
    public String task(String taskId) {
        return namespace + ":task:" + taskId;
    }

    /** Set once a task's intake published everything; its presence makes a resubmission a duplicate. */
    public String accepted(String taskId) {
        return namespace + ":accepted:" + taskId;
    }

    /** Hash of node id to the epoch millis of its last heartbeat. */
    public String nodeHeartbeats() {
        return namespace + ":nodes:heartbeat";
    }
}
