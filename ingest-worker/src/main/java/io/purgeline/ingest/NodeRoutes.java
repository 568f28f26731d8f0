package io.purgeline.ingest;

import io.purgeline.contracts.Codec;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.WebServer;
import java.util.Map;

/**
 * The node registry over HTTP: {@code /v1/nodes}, {@code /v1/nodes/{node_id}} and its drain (docs/contracts.md), for
 * operators only: whoever registers a node id at an address receives its work.
 */
public final class NodeRoutes {
    private final NodeRegistry registry;
    private final Codec codec;
    private final ApiAuth auth;

    public NodeRoutes(NodeRegistry registry, Codec codec, ApiAuth auth) {
        this.registry = registry;
        this.codec = codec;
        this.auth = auth;
    }

    public WebServer.Builder install(WebServer.Builder http) {
        return http
                .route("POST", "/v1/nodes", auth.admin(this::register))
                .route("GET", "/v1/nodes", auth.admin(call -> HttpReply.json(200, Map.of("nodes", registry.list()))))
                .route("GET", "/v1/nodes/{node_id}", auth.admin(this::get))
                .route("POST", "/v1/nodes/{node_id}/drain", auth.admin(this::drain))
                .route("DELETE", "/v1/nodes/{node_id}", auth.admin(this::remove));
    }

    private HttpReply register(HttpCall call) {
        NodeRegistration r = call.bodyAs(codec, NodeRegistration.class);
        try {
            return HttpReply.json(201, registry.register(r));
        } catch (InvalidInputException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private HttpReply get(HttpCall call) {
        String nodeId = call.pathParam("node_id");
        return registry.get(nodeId)
                .map(n -> HttpReply.json(200, n))
                .orElseThrow(() -> unknown(nodeId));
    }

    private HttpReply drain(HttpCall call) {
        String nodeId = call.pathParam("node_id");
        return registry.drain(nodeId)
                .map(n -> HttpReply.json(200, n))
                .orElseThrow(() -> unknown(nodeId));
    }

    private HttpReply remove(HttpCall call) {
        String nodeId = call.pathParam("node_id");
        if (!registry.remove(nodeId)) {
            throw unknown(nodeId);
        }
        return HttpReply.noContent();
    }

    private static HttpError unknown(String nodeId) {
        return HttpError.notFound("no registered node '" + nodeId + "'");
    }
}
