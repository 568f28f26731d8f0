package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;

/**
 * Drives Apache Traffic Server 9 with the reference configuration ({@code trafficserver/}): its built-in
 * {@code PURGE} method for a URL, allowed from loopback by {@code ip_allow.yaml}. ATS answers 404 to a PURGE of
 * an object it does not hold, which counts as done.
 */
public final class TrafficServerAdapter extends HttpCacheAdapter {
    public static final String KIND = "ats";

    /** @param client the agent's one shared client: connections to the cache stay open between purges */
    public TrafficServerAdapter(HttpClient client, URI cacheUrl, Duration timeout, PrefetchLimits limits) {
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
                    "Traffic Server's PURGE removes the object; it cannot mark it stale");
        }
        return cache.purgeUrl(url, "PURGE", "", target -> Map.of(), options);
    }

    @Override
    public ItemResult refreshDir(String dirUrl, TaskOptions options) {
        return Unsupported.result(dirUrl, TaskType.REFRESH_DIR, KIND,
                "Traffic Server's PURGE removes one URL; prefix invalidation needs the regex_revalidate plugin,"
                        + " which the agent does not drive");
    }

    @Override
    public ItemResult refreshTag(String tag, TaskOptions options) {
        return Unsupported.result(tag, TaskType.REFRESH_TAG, KIND, "Traffic Server keeps no index of surrogate tags");
    }
}
