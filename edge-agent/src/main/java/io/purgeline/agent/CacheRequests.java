package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The HTTP exchanges every adapter has with its local cache: one invalidation request per target, or a GET through
 * the cache for a prefetch. Every request for a URL carries that URL's own Host header, because Varnish, nginx (with
 * the reference key), Traffic Server and Squid all key their objects on it. Nothing here throws for a failed target:
 * each outcome is an {@link ItemResult} with a reason a person can read.
 */
final class CacheRequests {
    private final HttpClient client;
    private final String cacheUrl;
    private final Duration timeout;

    /** @param client the agent's one shared client: connections to the cache stay open between purges */
    CacheRequests(HttpClient client, URI cacheUrl, Duration timeout) {
        this.client = client;
        this.cacheUrl = cacheUrl.toString();
        this.timeout = timeout;
    }

    /**
     * Sends {@code method} for the target URL to {@code pathPrefix} + the target's path and query, on the target's
     * host. 2xx is done and 404 means there was nothing to remove (both success); anything else is a failure.
     *
     * @param pathPrefix prepended to the target's path: a cache that takes purges at a location of their own
     * @param headers    extra request headers, computed from the parsed target
     */
    ItemResult invalidate(String url, String method, String pathPrefix,
            Function<CacheTarget, Map<String, String>> headers) {
        long start = System.nanoTime();
        CacheTarget target;
        try {
            target = CacheTarget.parse(url);
        } catch (IllegalArgumentException e) {
            return failed(url, 0, start, e.getMessage());
        }
        return send(url, start, request(method, target, pathPrefix, headers.apply(target)));
    }

    /**
     * Sends {@code method} to the cache's root with {@code headers}, for an invalidation that names no URL (a tag):
     * the Host is the cache's own. Success and failure as for {@link #invalidate}.
     */
    ItemResult invalidateByHeaders(String target, String method, Map<String, String> headers) {
        long start = System.nanoTime();
        Request request = client.newRequest(URI.create(cacheUrl + "/"))
                .method(method)
                .followRedirects(false)
                .headers(h -> headers.forEach(h::put));
        return send(target, start, request);
    }

    private ItemResult send(String target, long start, Request request) {
        String method = request.getMethod();
        try {
            ContentResponse response = request.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).send();
            int status = response.getStatus();
            if (status / 100 == 2 || status == 404) {
                return new ItemResult(target, status, 0, elapsedMs(start), null);
            }
            return failed(target, status, start, "the cache refused " + method + " with " + status + " "
                    + response.getReason());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(target, 0, start, "interrupted while the agent was stopping");
        } catch (TimeoutException e) {
            return failed(target, 0, start, "the cache at " + cacheUrl + " did not answer " + method + " within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return failed(target, 0, start, unreachable(e));
        }
    }

    /** GETs the URL through the cache so that it is cached, streaming the whole body away and counting its bytes. */
    ItemResult fetch(String url, TaskOptions options) {
        long start = System.nanoTime();
        CacheTarget target;
        try {
            target = CacheTarget.parse(url);
        } catch (IllegalArgumentException e) {
            return failed(url, 0, start, e.getMessage());
        }
        // Task headers (User-Agent, Accept-Encoding, …) select the variant to warm; Host stays the target's.
        Map<String, String> headers = options == null || options.headers() == null ? Map.of() : options.headers();
        Request request = request("GET", target, "", headers).idleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        try {
            Response response = listener.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long bytes;
            try (InputStream body = listener.getInputStream()) {
                bytes = body.transferTo(OutputStream.nullOutputStream());
            }
            int status = response.getStatus();
            if (status / 100 == 2) {
                return new ItemResult(url, status, bytes, elapsedMs(start), null);
            }
            return failed(url, status, start, "the cache answered " + status + " " + response.getReason());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            return failed(url, 0, start, "interrupted while the agent was stopping");
        } catch (TimeoutException e) {
            request.abort(e);
            return failed(url, 0, start, "the cache at " + cacheUrl + " did not answer within " + timeout.toMillis()
                    + " ms");
        } catch (ExecutionException | IOException e) {
            return failed(url, 0, start, unreachable(e));
        }
    }

    private Request request(String method, CacheTarget target, String pathPrefix, Map<String, String> extraHeaders) {
        return client.newRequest(URI.create(cacheUrl + pathPrefix + target.pathAndQuery()))
                .method(method)
                .followRedirects(false)
                .headers(h -> {
                    extraHeaders.forEach((name, value) -> {
                        if (!name.equalsIgnoreCase("Host")) {
                            h.put(name, value);
                        }
                    });
                    h.put(HttpHeader.HOST, target.host());
                });
    }

    private String unreachable(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ConnectException) {
            return "cannot reach the cache at " + cacheUrl + ": " + cause.getMessage();
        }
        if (cause instanceof TimeoutException) {
            return "the cache at " + cacheUrl + " went silent for more than " + timeout.toMillis() + " ms";
        }
        return "request to the cache at " + cacheUrl + " failed: "
                + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    private static ItemResult failed(String target, int status, long start, String reason) {
        return new ItemResult(target, status, 0, elapsedMs(start), reason);
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
