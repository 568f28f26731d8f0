package io.purgeline.ingest;

import io.purgeline.contracts.CacheSupport;
import io.purgeline.contracts.Node;
import io.purgeline.runtime.NodeCaches;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.WebServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code GET /v1/caches}: what each cache kind can do and which registered nodes run it, so that a caller knows
 * before submitting which nodes would report a purge kind unsupported. A node's kind is what its agent last said in a
 * heartbeat; a node whose agent has not said (not yet heartbeated, or too old to report it) is listed apart. It lists
 * the registered nodes, so it is for operators (admin key), like the node routes.
 */
public final class CacheRoutes {
    /** One cache kind: its support ({@code types} absent for a kind this version does not know) and its nodes. */
    record Kind(String kind, List<String> types, List<String> softTypes, List<String> nodes) {}

    record Caches(List<Kind> caches, List<String> nodesWithoutKind) {}

    private final NodeRegistry registry;
    private final NodeCaches caches;
    private final ApiAuth auth;

    public CacheRoutes(NodeRegistry registry, NodeCaches caches, ApiAuth auth) {
        this.registry = registry;
        this.caches = caches;
        this.auth = auth;
    }

    public WebServer.Builder install(WebServer.Builder http) {
        return http.route("GET", "/v1/caches", auth.admin(call -> HttpReply.json(200, caches())));
    }

    Caches caches() {
        Map<String, String> reported;
        try {
            reported = caches.all();
        } catch (JedisException e) {
            throw new HttpError(503, "unavailable", "the nodes' cache kinds are unreadable, Redis is unreachable: "
                    + e.getMessage());
        }
        Map<String, List<String>> nodesByKind = new LinkedHashMap<>();
        CacheSupport.ALL.forEach(c -> nodesByKind.put(c.kind(), new ArrayList<>()));
        List<String> withoutKind = new ArrayList<>();
        for (Node node : registry.list()) {
            String kind = reported.get(node.nodeId());
            if (kind == null) {
                withoutKind.add(node.nodeId());
            } else {
                nodesByKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(node.nodeId());
            }
        }
        List<Kind> kinds = new ArrayList<>();
        nodesByKind.forEach((kind, nodes) -> kinds.add(CacheSupport.of(kind)
                .map(c -> new Kind(kind, c.types(), c.softTypes(), nodes))
                .orElseGet(() -> new Kind(kind, null, null, nodes))));
        return new Caches(kinds, withoutKind);
    }
}
