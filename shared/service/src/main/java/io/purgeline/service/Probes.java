package io.purgeline.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The endpoints every worker and the agent serve (API.md §6). */
public final class Probes {
    private Probes() {}

    public static WebServer.Builder install(WebServer.Builder http, BooleanSupplier ready,
            PrometheusMeterRegistry metrics, Supplier<Map<String, Object>> stats) {
        return http
                .countRefusalsIn(metrics)
                .route("GET", "/healthz", call -> HttpReply.json(200, Map.of("status", "ok")))
                .route("GET", "/readyz", call -> ready.getAsBoolean()
                        ? HttpReply.json(200, Map.of("status", "ready"))
                        : HttpReply.error(503, "not_ready", "not connected to all of its services yet"))
                .route("GET", "/metrics", call -> HttpReply.text(200,
                        "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()))
                .route("GET", "/stats", call -> HttpReply.json(200, stats.get()));
    }
}
