package io.purgeline.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Jetty server with a {@link Routes} table: {@code route("GET", "/v1/tasks/{task_id}", call -> ...)}.
 * Routes run on server threads and may block; asynchronous routes free the thread while their answer is pending.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    private final Server server;
    private final ServerConnector connector;

    private WebServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static Builder builder(String name, HttpConfig config) {
        return new Builder(name, config);
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return connector.getHost();
    }

    /** Stops accepting, lets requests in progress finish (up to the stop timeout), then closes. */
    @Override
    public void close() throws Exception {
        server.stop();
    }

    public static final class Builder {
        private final String name;
        private final HttpConfig config;
        private final Routes.Builder routes = Routes.builder();
        private MeterRegistry metrics = new SimpleMeterRegistry();

        private Builder(String name, HttpConfig config) {
            this.name = name;
            this.config = config;
        }

        public Builder route(String method, String pathTemplate, Route route) {
            routes.route(method, pathTemplate, route);
            return this;
        }

        /** A route that answers later without holding a server thread meanwhile. */
        public Builder routeAsync(String method, String pathTemplate, AsyncRoute route) {
            routes.routeAsync(method, pathTemplate, route);
            return this;
        }

        /** Where refused requests are counted (see {@link RoutingHandler}); the worker's {@code /metrics}. */
        public Builder countRefusalsIn(MeterRegistry registry) {
            this.metrics = registry;
            return this;
        }

        public WebServer start() throws Exception {
            // A worker's HTTP is light (API calls, callbacks, probes); a bounded pool keeps a 2-core box responsive.
            QueuedThreadPool threads = new QueuedThreadPool(64, 4);
            threads.setName(name + "-http");
            Server server = new Server(threads);
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(config.host());
            connector.setPort(config.port());
            server.addConnector(connector);
            Routes table = routes.build();
            server.setHandler(new RoutingHandler(request -> table, config.maxBodyBytes(), metrics));
            server.setStopTimeout(5_000);
            server.start();
            log.info("{} serving HTTP on {}:{}", name, config.host(), connector.getLocalPort());
            return new WebServer(server, connector);
        }
    }
}
