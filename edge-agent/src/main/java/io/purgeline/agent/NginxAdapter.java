package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;

/**
 * Drives nginx with {@code ngx_cache_purge} (Debian {@code libnginx-mod-http-cache-purge}) running the reference
 * server block ({@code nginx/purgeline.conf}). A URL purge goes to the separate purge location
 * {@value #PURGE_LOCATION}: module 2.3 crashes its worker when PURGE is handled in the caching location itself (the
 * "same location" form), so the reference configuration never uses that form.
 */
public final class NginxAdapter extends HttpCacheAdapter {
    public static final String KIND = "nginx";
    /** Where the reference server block takes purges: {@code PURGE /purgeline-purge/<path?query>} with the Host. */
    static final String PURGE_LOCATION = "/purgeline-purge";

    /** @param client the agent's one shared client: connections to the cache stay open between purges */
    public NginxAdapter(HttpClient client, URI cacheUrl, Duration timeout, PrefetchLimits limits) {
        super(client, cacheUrl, timeout, limits);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ItemResult refresh(String url, TaskOptions options) {
        if (Unsupported.softRequested(options)) {
            return Unsupported.soft(url, TaskType.REFRESH, KIND,
                    "ngx_cache_purge removes the object; it cannot mark it stale");
        }
        return cache.purgeUrl(url, "PURGE", PURGE_LOCATION, target -> Map.of(), options);
    }

    @Override
    public ItemResult refreshDir(String dirUrl, TaskOptions options) {
        return Unsupported.result(dirUrl, TaskType.REFRESH_DIR, KIND,
                "ngx_cache_purge 2.3 (Debian) removes one cache key at a time and has no wildcard purge");
    }

    @Override
    public ItemResult refreshTag(String tag, TaskOptions options) {
        return Unsupported.result(tag, TaskType.REFRESH_TAG, KIND, "nginx keeps no index of surrogate tags");
    }
}
