package io.purgeline.agent;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;

/** Picks the adapter for the configured cache kind ({@code PURGELINE_CACHE_KIND}). */
public final class CacheAdapters {
    /** Every kind {@link #forKind} knows, in the order the docs list them. */
    public static final List<String> KINDS =
            List.of(VarnishAdapter.KIND, NginxAdapter.KIND, TrafficServerAdapter.KIND, SquidAdapter.KIND);

    private CacheAdapters() {}

    /** @param limits the node's prefetch caps, held by the adapter across all of the node's subtasks */
    public static CacheAdapter forKind(String kind, HttpClient client, URI cacheUrl, Duration timeout,
            PrefetchLimits limits) {
        return switch (kind) {
            case VarnishAdapter.KIND -> new VarnishAdapter(client, cacheUrl, timeout, limits);
            case NginxAdapter.KIND -> new NginxAdapter(client, cacheUrl, timeout, limits);
            case TrafficServerAdapter.KIND -> new TrafficServerAdapter(client, cacheUrl, timeout, limits);
            case SquidAdapter.KIND -> new SquidAdapter(client, cacheUrl, timeout, limits);
            default -> throw new IllegalArgumentException("PURGELINE_CACHE_KIND '" + kind
                    + "' is not supported; supported: " + String.join(", ", KINDS));
        };
    }
}
