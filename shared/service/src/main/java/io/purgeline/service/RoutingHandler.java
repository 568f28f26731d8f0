package io.purgeline.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty handler behind every purgeline HTTP server: picks the route table for a request (one table, or one per
 * local address for a server answering on many), answers, and turns errors into API error bodies.
 */
public final class RoutingHandler extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(RoutingHandler.class);

    private final Function<Request, Routes> tables;
    private final int maxBodyBytes;
    private final MeterRegistry metrics;

    /**
     * @param tables  the route table for a request, or null when nothing is served where it arrived
     * @param metrics where refusals are counted: {@code purgeline_http_refusals_total{status, reason}}, the reason
     *                being the error code of the answer
     */
    public RoutingHandler(Function<Request, Routes> tables, int maxBodyBytes, MeterRegistry metrics) {
        this.tables = tables;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        CompletionStage<HttpReply> reply;
        try {
            Routes routes = tables.apply(request);
            reply = routes == null
                    ? CompletableFuture.completedFuture(HttpReply.error(404, "not_found", "nothing is served at "
                            + request.getConnectionMetaData().getLocalSocketAddress()))
                    : routes.answer(request, maxBodyBytes);
        } catch (Exception e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((answer, error) -> write(response, callback,
                error == null ? answer : replyFor(request, error)));
        return true;
    }

    private static HttpReply replyFor(Request request, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof HttpError h) {
            return HttpReply.error(h.status(), h.code(), h.getMessage());
        }
        log.error("unhandled error serving {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
        return HttpReply.error(500, "internal", "internal error: " + e.getClass().getSimpleName());
    }

    private void write(Response response, Callback callback, HttpReply reply) {
        if (reply.status() >= 400 && reply.status() < 500) {
            Counter.builder("purgeline_http_refusals_total")
                    .tag("status", Integer.toString(reply.status()))
                    .tag("reason", reply.errorCode() == null ? "none" : reply.errorCode())
                    .description("requests refused, by status and error code")
                    .register(metrics).increment();
        }
        response.setStatus(reply.status());
        if (reply.contentType() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        }
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }
}
