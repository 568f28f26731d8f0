package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;

/**
 * Drives a Varnish that runs the reference VCL ({@code varnish/purgeline.vcl}): {@code PURGE} for a URL, {@code BAN}
 * with {@code X-Purge-Prefix} for a directory, a plain GET through the cache for a prefetch.
 */
public final class VarnishAdapter implements CacheAdapter {
    public static final String KIND = "varnish";
    static final String PREFIX_HEADER = "X-Purge-Prefix";

    private final CacheRequests cache;

    /** @param client the agent's one shared client: connections to the cache stay open between purges */
    public VarnishAdapter(HttpClient client, URI cacheUrl, Duration timeout) {
        this.cache = new CacheRequests(client, cacheUrl, timeout);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ItemResult refresh(String url, TaskOptions options) {
        return cache.invalidate(url, "PURGE", "", target -> Map.of());
    }

    @Override
    public ItemResult refreshDir(String dirUrl, TaskOptions options) {
        // The ban itself names host and prefix in headers; the request line's path does not matter to the VCL.
        return cache.invalidate(dirUrl, "BAN", "", target -> Map.of(PREFIX_HEADER, target.path()));
    }

    @Override
    public ItemResult refreshTag(String tag, TaskOptions options) {
        return Unsupported.result(tag, TaskType.REFRESH_TAG, KIND, "the reference VCL keeps no tag index");
    }

    @Override
    public ItemResult prefetch(String url, TaskOptions options) {
        return cache.fetch(url, options);
    }
}
