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
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Drives a Varnish that runs the reference VCL ({@code varnish/purgeline.vcl}): {@code PURGE} for a URL, {@code BAN}
 * with {@code X-Purge-Prefix} for a directory, a plain GET through the cache for a prefetch. Every request carries
 * the target's Host header, because Varnish keys its objects by host and URL.
 */
public final class VarnishAdapter implements CacheAdapter {
    public static final String KIND = "varnish";
    static final String PREFIX_HEADER = "X-Purge-Prefix";

    private final HttpClient client;
    private final String cacheUrl;
    private final Duration timeout;

    /** @param client the agent's one shared client: connections to the cache stay open between purges */
    public VarnishAdapter(HttpClient client, URI cacheUrl, Duration timeout) {
        this.client = client;
        this.cacheUrl = cacheUrl.toString();
        this.timeout = timeout;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ItemResult refresh(String url, TaskOptions options) {
        long start = System.nanoTime();
        try {
            CacheTarget target = CacheTarget.parse(url);
            return invalidation(url, start, request("PURGE", target, Map.of()));
        } catch (IllegalArgumentException e) {
            return failed(url, 0, start, e.getMessage());
        }
    }

    @Override
    public ItemResult refreshDir(String dirUrl, TaskOptions options) {
        long start = System.nanoTime();
        try {
            CacheTarget target = CacheTarget.parse(dirUrl);
            // The ban itself names host and prefix in headers; the request line's path does not matter to the VCL.
            return invalidation(dirUrl, start, request("BAN", target, Map.of(PREFIX_HEADER, target.path())));
        } catch (IllegalArgumentException e) {
            return failed(dirUrl, 0, start, e.getMessage());
        }
    }

    @Override
    public ItemResult refreshTag(String tag, TaskOptions options) {
        return new ItemResult(tag, 0, 0, 0, "refresh_tag is not supported by the varnish adapter");
    }

    @Override
    public ItemResult prefetch(String url, TaskOptions options) {
        long start = System.nanoTime();
        CacheTarget target;
        try {
            target = CacheTarget.parse(url);
        } catch (IllegalArgumentException e) {
            return failed(url, 0, start, e.getMessage());
        }
        // Task headers (User-Agent, Accept-Encoding, …) select the variant to warm; Host stays the target's.
        Map<String, String> headers = options == null || options.headers() == null ? Map.of() : options.headers();
        Request request = request("GET", target, headers).idleTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
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

    private Request request(String method, CacheTarget target, Map<String, String> extraHeaders) {
        return client.newRequest(URI.create(cacheUrl + target.pathAndQuery()))
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

    /** A purge or ban: 2xx is done, 404 means there was nothing to remove, anything else is a failure. */
    private ItemResult invalidation(String target, long start, Request request) {
        try {
            ContentResponse response = request.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).send();
            int status = response.getStatus();
            if (status / 100 == 2 || status == 404) {
                return new ItemResult(target, status, 0, elapsedMs(start), null);
            }
            return failed(target, status, start, "the cache refused " + request.getMethod() + " with " + status + " "
                    + response.getReason());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(target, 0, start, "interrupted while the agent was stopping");
        } catch (TimeoutException e) {
            return failed(target, 0, start, "the cache at " + cacheUrl + " did not answer " + request.getMethod()
                    + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return failed(target, 0, start, unreachable(e));
        }
    }

    private String unreachable(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ConnectException) {
            return "cannot reach the cache at " + cacheUrl + ": " + cause.getMessage();
        }
        if (cause instanceof TimeoutException) {
            return "the cache at " + cacheUrl + " went silent for more than " + timeout.toMillis() + " ms";
        }
        return "request to the cache at " + cacheUrl + " failed: " + describe(cause);
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static ItemResult failed(String target, int status, long start, String reason) {
        return new ItemResult(target, status, 0, elapsedMs(start), reason);
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
