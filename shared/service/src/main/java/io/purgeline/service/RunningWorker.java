package io.purgeline.service;

import java.time.Duration;

/**
 * A started worker (or agent): the lifecycle that owns its resources and the HTTP server that answers for it. Tests
 * start workers in-process and close them; {@link #run} is what every {@code Main} does.
 */
public class RunningWorker implements AutoCloseable {
    private final Lifecycle lifecycle;
    private final WebServer http;

    protected RunningWorker(Lifecycle lifecycle, WebServer http) {
        this.lifecycle = lifecycle;
        this.http = http;
    }

    /** Starts a worker from its configuration. */
    @FunctionalInterface
    public interface Starter {
        RunningWorker start(Env env) throws Exception;
    }

    /**
     * Names the process in its logs, starts the worker from the environment, closes it gracefully on SIGTERM within
     * {@code grace}, and returns once it is closed.
     */
    public static void run(String name, Duration grace, Starter starter) throws Exception {
        System.setProperty("PURGELINE_WORKER", name);
        RunningWorker worker = starter.start(Env.system());
        worker.lifecycle.closeOnShutdown(grace);
        worker.lifecycle.awaitClosed();
    }

    /** The port HTTP is served on (the bound one when the configured port was 0). */
    public int port() {
        return http.port();
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
