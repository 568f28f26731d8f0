package io.purgeline.agent;

import io.purgeline.contracts.Heartbeat;
import io.purgeline.service.AsyncRoute;
import io.purgeline.service.RecentTokens;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One cache node's agent: its task endpoint (signature check, validation, duplicate suppression), its subtask runner,
 * its result reporter and its heartbeats, built on parts shared by every node of the process ({@link AgentResources}).
 * Per node there is only state: no thread and no server of its own. {@link AgentWorker} serves one node; the fleet
 * simulator serves hundreds from one process.
 */
public final class AgentNode implements AutoCloseable {
    private final AgentSettings settings;
    private final String cacheKind;
    private final RecentSubtasks recent;
    private final SubtaskRunner runner;
    private final ResultReporter reporter;
    private final HeartbeatSender heartbeats;
    private final TaskEndpoint tasks;

    private AgentNode(AgentSettings settings, String cacheKind, RecentSubtasks recent, SubtaskRunner runner,
            ResultReporter reporter, HeartbeatSender heartbeats, TaskEndpoint tasks) {
        this.settings = settings;
        this.cacheKind = cacheKind;
        this.recent = recent;
        this.runner = runner;
        this.reporter = reporter;
        this.heartbeats = heartbeats;
        this.tasks = tasks;
    }

    /**
     * Starts the node's heartbeats (when {@code settings} name a callback-worker) and readies its endpoint; serving
     * the endpoint is the caller's part.
     *
     * @param executed told of every subtask this node executes, before its result is reported
     */
    public static AgentNode start(AgentSettings settings, CacheAdapter cache, AgentResources shared,
            ExecutionCallback executed) {
        String nodeId = settings.nodeId();
        ResultReporter reporter = new ResultReporter(shared.client(), shared.codec(), settings.keys(),
                settings.callbackTimeout(), ResultReporter.DEFAULT_BACKOFF, shared.timer(), shared.metrics());
        RecentSubtasks recent = new RecentSubtasks(settings.rememberSubtasks(), settings.rememberBytes(), settings.rememberFor(),
                shared.clock());
        SubtaskRunner runner = new SubtaskRunner(nodeId, cache, reporter, recent, shared.workers(), shared.timer(),
                settings.workers(),
                settings.queueCapacity(), executed, shared.metrics());
        TaskEndpoint tasks = new TaskEndpoint(nodeId, new RequestVerifier(settings.keys()::secretsOf,
                        new RecentTokens(shared.clock()), RequestVerifier.DEFAULT_WINDOW, shared.clock(),
                        new Refusals(shared.metrics())),
                shared.codec(), runner);
        String version = version();
        HeartbeatSender heartbeats = settings.heartbeatUrl() == null ? null : HeartbeatSender.start(
                shared.heartbeatClient(),
                shared.codec(), settings.keys(), settings.heartbeatUrl(), settings.heartbeatInterval(),
                settings.callbackTimeout(),
                () -> new Heartbeat(nodeId, version, cache.kind(), runner.queued(), runner.running()),
                shared.heartbeatTimer());
        return new AgentNode(settings, cache.kind(), recent, runner, reporter, heartbeats, tasks);
    }

    /** The agent's build version as packaged, reported in heartbeats. */
    static String version() {
        String v = AgentNode.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public String nodeId() {
        return settings.nodeId();
    }

    /** {@code POST /v1/agent/task} for this node. */
    public AsyncRoute taskRoute() {
        return tasks;
    }

    public boolean ready() {
        return runner.accepting();
    }

    /** Stops or resumes the heartbeats (the simulator's offline switch); without a heartbeat URL there are none. */
    public void heartbeating(boolean on) {
        if (heartbeats != null) {
            heartbeats.paused(!on);
        }
    }

    public long duplicatesSuppressed() {
        return runner.duplicatesSuppressed();
    }

    /** The node's part of {@code GET /stats}. */
    public Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("node_id", settings.nodeId());
        stats.put("cache", cacheKind);
        stats.put("queued", runner.queued());
        stats.put("running", runner.running());
        stats.put("callbacks_pending", reporter.pending());
        stats.put("duplicates_suppressed", runner.duplicatesSuppressed());
        stats.put("subtasks_remembered", recent.remembered());
        return stats;
    }

    /** Stops heartbeats and intake, finishes the accepted subtasks, then waits for their results to be delivered. */
    @Override
    public void close() throws InterruptedException {
        if (heartbeats != null) {
            heartbeats.close();
        }
        runner.close();
        reporter.close();
    }
}
