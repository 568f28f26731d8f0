package io.purgeline.agent;

import com.google.common.util.concurrent.RateLimiter;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.Verification;
import java.io.IOException;
import java.io.InputStream;
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
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The HTTP exchanges every adapter has with its local cache: one invalidation request per target, or a GET through
 * the cache for a prefetch or a verification. Every request for a URL carries that URL's own Host header, because Varnish, nginx (with
 * the reference key), Traffic Server and Squid all key their objects on it. Nothing here throws for a failed target:
 * each outcome is an {@link ItemResult} with a reason a person can read.
 */
final class CacheRequests {
    private final HttpClient client;
    private final String cacheUrl;
    private final Duration timeout;
    /** The buffer every body read through the cache goes through, one per worker thread and reused. */
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);
    /** How often a soft-purged URL is asked for again while the cache revalidates it. */
    private static final Duration REVALIDATION_POLL = Duration.ofMillis(100);

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

    /**
     * Purges a URL as {@link #invalidate} does, then, when the task asks for it ({@code options.verify}) and the purge
     * succeeded, re-requests the URL through the cache and adds what it found to the result: fresh when the cache
     * fetched the object anew, or served a copy no older than the purge. A copy older than the purge makes the item
     * fail, since the caller asked to know. After a soft purge the first answer is expected to be the stale copy
     * while the cache revalidates; the agent asks again until the revalidated copy is served, for at most the cache
     * timeout.
     */
    ItemResult purgeUrl(String url, String method, String pathPrefix,
            Function<CacheTarget, Map<String, String>> headers, TaskOptions options) {
        long start = System.nanoTime();
        ItemResult purged = invalidate(url, method, pathPrefix, headers);
        if (options == null || !Boolean.TRUE.equals(options.verify()) || purged.error() != null) {
            return purged;
        }
        CacheTarget target = CacheTarget.parse(url);
        boolean soft = Unsupported.softRequested(options);
        long deadline = System.nanoTime() + timeout.toNanos();
        String stale = null;
        while (true) {
            Verification seen;
            try {
                Fetched answer = get(target, taskHeaders(options), null, Body.DISCARD);
                seen = Freshness.judge(answer.status(), answer.headers(), secondsSince(start));
            } catch (FetchFailed e) {
                return verified(purged, new Verification(false, 0, e.getMessage()),
                        "verification failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return verified(purged, new Verification(false, 0, "interrupted"),
                        "verification interrupted while the agent was stopping");
            }
            if (seen.fresh()) {
                return verified(purged, stale == null ? seen : new Verification(true, seen.httpCode(),
                        "served stale while revalidating (" + stale + "), then " + seen.evidence()), null);
            }
            if (!soft || System.nanoTime() > deadline) {
                return verified(purged, seen, "verification: the cache still serves a copy from before the purge ("
                        + seen.evidence() + ")");
            }
            if (stale == null) {
                stale = seen.evidence();
            }
            try {
                // The cache refetches in the background; ask again shortly, as the next client would.
                Thread.sleep(REVALIDATION_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return verified(purged, seen, "verification interrupted while the agent was stopping");
            }
        }
    }

    private static ItemResult verified(ItemResult purged, Verification verification, String error) {
        return new ItemResult(purged.target(), purged.httpCode(), purged.bytes(), purged.elapsedMs(), error,
                verification);
    }

    /** Task headers (User-Agent, Accept-Encoding, …) select the variant to warm or verify; Host stays the target's. */
    static Map<String, String> taskHeaders(TaskOptions options) {
        return options == null || options.headers() == null ? Map.of() : options.headers();
    }

    /** A GET through the cache that was answered: its status, headers and the number of body bytes read. */
    record Fetched(int status, String reason, HttpFields headers, long bytes) {}

    /** A GET through the cache that got no complete answer; the message says why, for a person. */
    static final class FetchFailed extends Exception {
        FetchFailed(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Takes a body chunk by chunk; the chunk's array is reused for the next one. */
    interface Body {
        Body DISCARD = (buffer, length) -> {};

        /** @throws FetchFailed to stop reading, for example a body longer than its reader accepts */
        void accept(byte[] buffer, int length) throws FetchFailed;
    }

    /**
     * GETs the target through the cache and streams the whole body through this thread's buffer into {@code body}:
     * memory stays at one buffer per worker whatever the object's size, since the client reads from the connection
     * only as the buffer is drained.
     *
     * @param pace when not null, takes a permit per body byte before it is handed on (the node's bandwidth cap)
     */
    Fetched get(CacheTarget target, Map<String, String> headers, RateLimiter pace, Body body)
            throws FetchFailed, InterruptedException {
        Request request = request("GET", target, "", headers).idleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        try {
            Response response = listener.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            byte[] buffer = BUFFER.get();
            long bytes = 0;
            try (InputStream in = listener.getInputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (pace != null && n > 0) {
                        pace.acquire(n);
                    }
                    body.accept(buffer, n);
                    bytes += n;
                }
            }
            return new Fetched(response.getStatus(), response.getReason(), response.getHeaders(), bytes);
        } catch (InterruptedException e) {
            request.abort(e);
            throw e;
        } catch (TimeoutException e) {
            request.abort(e);
            throw new FetchFailed("the cache at " + cacheUrl + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException | IOException e) {
            throw new FetchFailed(unreachable(e));
        } catch (FetchFailed e) {
            request.abort(e);
            throw e;
        }
    }

    private static long secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos + 999_999_999L) / 1_000_000_000L;
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
