package io.purgeline.service;

import io.purgeline.contracts.Encoded;
import io.purgeline.contracts.RequestSigner;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** A signed JSON POST over a shared, pooled Jetty client (API.md §5): the agent links in both directions. */
public final class SignedPost {
    private SignedPost() {}

    /** Completes with the response, or exceptionally when the peer could not be reached or timed out. */
    public static CompletableFuture<ContentResponse> send(HttpClient client, URI uri, Encoded body, String accessKey,
            String secret, Duration timeout) {
        String pathAndQuery = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        Request request = client.newRequest(uri)
                .method(HttpMethod.POST)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> {
                    RequestSigner.sign("POST", pathAndQuery, body.body(), accessKey, secret, Clock.systemUTC())
                            .forEach(h::put);
                    if (body.compressed()) {
                        h.put("Content-Encoding", body.contentEncoding());
                    }
                })
                .body(new BytesRequestContent("application/json", body.body()));
        return new CompletableResponseListener(request, 1 << 20).send();
    }

    /**
     * One client per process, pooling keep-alive connections per destination. Jetty's HTTP-authentication handler is
     * removed: our peers refuse a bad signature with a plain 401 and a JSON reason, which that handler would turn into
     * a "protocol violation" error hiding both.
     */
    public static HttpClient startClient(String name, int maxConnectionsPerDestination) throws Exception {
        return startClient(name, maxConnectionsPerDestination, null);
    }

    /**
     * The same, on a pool of its own of at most {@code maxThreads}: its I/O is asynchronous and each completion short,
     * while Jetty's default pool grows toward 200 threads under a burst (165 in dispatch-worker under load, ~50 MB).
     */
    public static HttpClient startClient(String name, int maxConnectionsPerDestination, int maxThreads)
            throws Exception {
        HttpClient client = startClient(name, maxConnectionsPerDestination, (Executor) null);
        if (client.getExecutor() instanceof QueuedThreadPool pool) {
            pool.setMinThreads(2);
            pool.setMaxThreads(maxThreads);
        }
        return client;
    }

    /** The same, running on a thread pool shared with another client ({@code null}: a pool of its own). */
    public static HttpClient startClient(String name, int maxConnectionsPerDestination, Executor executor)
            throws Exception {
        HttpClient client = new HttpClient();
        if (executor != null) {
            client.setExecutor(executor);
        }
        client.setMaxConnectionsPerDestination(maxConnectionsPerDestination);
        client.setConnectTimeout(2_000);
        client.setIdleTimeout(60_000);
        client.setName(name);
        client.start();
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        return client;
    }
}
