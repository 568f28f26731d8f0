package io.purgeline.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny origin server whose content the caller controls: every path answers the current version, cacheable for an
 * hour, so that only a purge can make a cache serve a new version; paths may be given surrogate tags.
 */
public final class Origin implements AutoCloseable {
    private final HttpServer server;
    private final AtomicReference<String> version = new AtomicReference<>("v1");
    private final AtomicInteger hits = new AtomicInteger();
    /** Path prefix to the surrogate tags of every object under it. */
    private final Map<String, String> tags = new ConcurrentHashMap<>();

    private Origin(HttpServer server) {
        this.server = server;
    }

    public static Origin start(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        Origin origin = new Origin(server);
        server.createContext("/", exchange -> {
            origin.hits.incrementAndGet();
            byte[] body = (origin.version.get() + " of " + exchange.getRequestURI().getPath())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            String path = exchange.getRequestURI().getPath();
            origin.tags.forEach((prefix, tagList) -> {
                if (path.startsWith(prefix)) {
                    exchange.getResponseHeaders().set("Surrogate-Key", tagList);
                }
            });
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return origin;
    }

    /** Changes what every path serves from now on. */
    public void publish(String newVersion) {
        version.set(newVersion);
    }

    /** Tags every object under the path prefix with {@code Surrogate-Key: tags} (space-separated) from now on. */
    public void tag(String pathPrefix, String tags) {
        this.tags.put(pathPrefix, tags);
    }

    public int hits() {
        return hits.get();
    }

    public String host() {
        return server.getAddress().getHostString();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
