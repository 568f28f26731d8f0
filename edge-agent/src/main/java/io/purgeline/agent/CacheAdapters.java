package io.purgeline.agent;

import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;

/** Picks the adapter for the configured cache kind. */
public final class CacheAdapters {
    private CacheAdapters() {}

    public static CacheAdapter forKind(String kind, HttpClient client, URI cacheUrl, Duration timeout) {
        return switch (kind) {
            case VarnishAdapter.KIND -> new VarnishAdapter(client, cacheUrl, timeout);
            default -> throw new IllegalArgumentException("PURGELINE_CACHE_KIND '" + kind
                    + "' is not supported; supported: " + VarnishAdapter.KIND);
        };
    }
}
