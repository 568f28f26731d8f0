package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;

/**
 * Drives Squid 5 as a reverse proxy with the reference configuration ({@code squid/purgeline.conf}): {@code PURGE}
 * for a URL, allowed from loopback by its ACL. Squid answers 404 to a PURGE of an object it does not hold, which
 * counts as done.
 */
public final class SquidAdapter extends HttpCacheAdapter {
    public static final String KIND = "squid";

    /** @param client the agent's one shared client: connections to the cache stay open between purges */
    public SquidAdapter(HttpClient client, URI cacheUrl, Duration timeout, PrefetchLimits limits) {
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
                    "Squid's PURGE removes the object; it cannot mark it stale");
        }
        return cache.purgeUrl(url, "PURGE", "", target -> Map.of(), options);
    }

    @Override
    public ItemResult refreshDir(String dirUrl, TaskOptions options) {
        return Unsupported.result(dirUrl, TaskType.REFRESH_DIR, KIND, "Squid's PURGE removes one URL at a time");
    }

    @Override
    public ItemResult refreshTag(String tag, TaskOptions options) {
        return Unsupported.result(tag, TaskType.REFRESH_TAG, KIND, "Squid keeps no index of surrogate tags");
    }
}
