package io.purgeline.service;

import java.nio.ByteBuffer;
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

    /** @param tables the route table for a request, or null when nothing is served where it arrived */
    public RoutingHandler(Function<Request, Routes> tables, int maxBodyBytes) {
        this.tables = tables;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        HttpReply reply;
        try {
            Routes routes = tables.apply(request);
            reply = routes == null
                    ? HttpReply.error(404, "not_found", "nothing is served at "
                            + request.getConnectionMetaData().getLocalSocketAddress())
                    : routes.answer(request, maxBodyBytes);
        } catch (HttpError e) {
            reply = HttpReply.error(e.status(), e.code(), e.getMessage());
        } catch (Exception e) {
            log.error("unhandled error serving {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
            reply = HttpReply.error(500, "internal", "internal error: " + e.getClass().getSimpleName());
        }
        response.setStatus(reply.status());
        if (reply.contentType() != null) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        }
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
        return true;
    }
}
