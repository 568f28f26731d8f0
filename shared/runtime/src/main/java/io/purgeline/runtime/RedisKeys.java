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

    /** Set of the registered node ids, kept by ingest beside the {@code nodes} table: who may send heartbeats. */
    public String registeredNodes() {
        return namespace + ":nodes:registered";
    }

    /** A signature token already used, kept while its timestamp would pass (replays are refused). */
    public String usedToken(String token) {
        return namespace + ":token:" + token;
    }

    /** Hash of node id to the cache kind its agent last reported in a heartbeat ("varnish", "nginx", …). */
    public String nodeCaches() {
        return namespace + ":nodes:cache";
    }

    /** Hash of offline node id to "epoch millis since|reason"; a node absent from it is online. */
    public String offlineNodes() {
        return namespace + ":nodes:offline";
    }

    /** List of deliveries parked for an offline node, oldest first. */
    public String parked(String nodeId) {
        return namespace + ":parked:" + nodeId;
    }

    /** Set of node ids that have parked deliveries. */
    public String parkedNodes() {
        return namespace + ":parked-nodes";
    }

    /** List of a node's parked deliveries taken for replay and not yet confirmed republished. */
    public String replaying(String nodeId) {
        return namespace + ":replaying:" + nodeId;
    }

    /** Set of node ids whose replaying list still has entries, for the catch-up to find replays left unfinished. */
    public String replayingNodes() {
        return namespace + ":replaying-nodes";
    }

    /** Sorted set of subtask ids accepted by an agent and awaiting its result, scored by the epoch millis due. */
    public String inflight() {
        return namespace + ":inflight";
    }

    /**
     * Hash of in-flight subtask id to the delivery to send again if its result does not come in time: its assignment
     * alone, the task's body being kept once under {@link #inflightBody(String)}.
     */
    public String inflightDeliveries() {
        return namespace + ":inflight:deliveries";
    }

    /** A task's dispatch body (targets, options, type) for its in-flight deliveries; expires after its deadline. */
    public String inflightBody(String taskId) {
        return namespace + ":inflight:body:" + taskId;
    }

    /** A lease's key: its value is "owner|fencing token". */
    public String lease(String name) {
        return namespace + ":lease:" + name;
    }

    /** The counter that hands out a lease's fencing tokens. */
    public String fence(String name) {
        return namespace + ":fence:" + name;
    }

    /** Hash of "module/instance" to the epoch millis of that worker instance's last heartbeat. */
    public String moduleHeartbeats() {
        return namespace + ":modules:heartbeat";
    }

    /** Set of worker types (modules) that ever heartbeated, so that one whose last instance stopped is missed. */
    public String modulesKnown() {
        return namespace + ":modules:known";
    }

    /** Hash of worker type to the epoch millis since which it has had no live instance (alerted once). */
    public String modulesDown() {
        return namespace + ":modules:down";
    }

    /** Sorted set of live saver instances, scored by the epoch millis they were last seen. */
    public String savers() {
        return namespace + ":savers";
    }
}
