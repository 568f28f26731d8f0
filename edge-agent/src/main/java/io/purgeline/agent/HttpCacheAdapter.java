package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;

/**
 * What the four real caches' adapters share: their HTTP exchanges with the cache and the node's prefetcher, whose
 * caps hold across every subtask of the node.
 */
abstract class HttpCacheAdapter implements CacheAdapter {
    final CacheRequests cache;
    private final Prefetcher prefetcher;

    /** @param client the agent's one shared client: connections to the cache stay open between purges */
    HttpCacheAdapter(HttpClient client, URI cacheUrl, Duration timeout, PrefetchLimits limits) {
        this.cache = new CacheRequests(client, cacheUrl, timeout);
        this.prefetcher = new Prefetcher(cache, limits);
    }

    /** One URL, never expanded: {@link #execute} expands HLS playlists. */
    @Override
    public ItemResult prefetch(String url, TaskOptions options) {
        return prefetcher.one(url, options);
    }

    @Override
    public List<ItemResult> execute(TaskType type, String target, TaskOptions options) {
        return type == TaskType.PREFETCH ? prefetcher.prefetch(target, options)
                : CacheAdapter.super.execute(type, target, options);
    }
}
