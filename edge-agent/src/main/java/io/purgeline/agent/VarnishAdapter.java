package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.HttpClient;

/**
 * Drives a Varnish that runs the reference VCL ({@code varnish/purgeline.vcl}, with vmod xkey from Debian's
 * {@code varnish-modules}): {@code PURGE} for a URL, {@code BAN} with {@code X-Purge-Prefix} for a directory,
 * {@code PURGE} with {@code X-Purge-Tag} for every object tagged so (by its {@code xkey} or {@code Surrogate-Key}
 * response header), a plain GET through the cache for a prefetch. A soft purge ({@code options.soft}) of a URL or a
 * tag adds {@code X-Purge-Soft: 1}: the objects are marked stale and refetched in the background on their next
 * request, which still gets the stale copy (within the object's grace).
 */
public final class VarnishAdapter extends HttpCacheAdapter {
    public static final String KIND = "varnish";
    static final String PREFIX_HEADER = "X-Purge-Prefix";
    static final String TAG_HEADER = "X-Purge-Tag";
    static final String SOFT_HEADER = "X-Purge-Soft";
    /** One xkey: xkey splits its argument on spaces and commas, so a tag holding one would purge other tags too. */
    private static final Pattern TAG = Pattern.compile("[\\x21-\\x7E&&[^,]]{1,256}");

    /** @param client the agent's one shared client: connections to the cache stay open between purges */
    public VarnishAdapter(HttpClient client, URI cacheUrl, Duration timeout, PrefetchLimits limits) {
        super(client, cacheUrl, timeout, limits);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ItemResult refresh(String url, TaskOptions options) {
        return cache.purgeUrl(url, "PURGE", "", target -> softHeader(options), options);
    }

    @Override
    public ItemResult refreshDir(String dirUrl, TaskOptions options) {
        if (Unsupported.softRequested(options)) {
            return Unsupported.soft(dirUrl, TaskType.REFRESH_DIR, KIND, "a ban removes objects; it cannot mark them"
                    + " stale");
        }
        // The ban itself names host and prefix in headers; the request line's path does not matter to the VCL.
        return cache.invalidate(dirUrl, "BAN", "", target -> Map.of(PREFIX_HEADER, target.path()));
    }

    @Override
    public ItemResult refreshTag(String tag, TaskOptions options) {
        if (tag == null || !TAG.matcher(tag).matches()) {
            return new ItemResult(tag, 0, 0, 0, "a tag is 1 to 256 printable ASCII characters without spaces or"
                    + " commas, got '" + tag + "'");
        }
        // Tags are not per host: xkey's index spans the whole cache, as a surrogate key does at every CDN.
        Map<String, String> headers = new HashMap<>(softHeader(options));
        headers.put(TAG_HEADER, tag);
        return cache.invalidateByHeaders(tag, "PURGE", headers);
    }

    private static Map<String, String> softHeader(TaskOptions options) {
        return Unsupported.softRequested(options) ? Map.of(SOFT_HEADER, "1") : Map.of();
    }
}
