package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.util.List;

/**
 * What the agent asks of its local cache, one target at a time. Implementations never throw for a failed target:
 * every outcome, including an unreachable cache, is an {@link ItemResult} with a reason a person can read.
 */
public interface CacheAdapter {
    /** The cache kind reported in heartbeats, for example "varnish". */
    String kind();

    /** Removes one URL (path and query, on the URL's host). A 404 means "was not cached" and counts as success. */
    ItemResult refresh(String url, TaskOptions options);

    /** Removes every URL on the directory URL's host whose path starts with the directory's path. */
    ItemResult refreshDir(String dirUrl, TaskOptions options);

    /** Removes every object carrying a surrogate tag. */
    ItemResult refreshTag(String tag, TaskOptions options);

    /** Fetches one URL through the cache so that it is cached, reading the whole body. */
    ItemResult prefetch(String url, TaskOptions options);

    /**
     * Every result of one target: the target's own, followed, for a prefetch of an HLS playlist with
     * {@code options.hls}, by those of the URLs the playlist lists.
     */
    default List<ItemResult> execute(TaskType type, String target, TaskOptions options) {
        return List.of(apply(type, target, options));
    }

    default ItemResult apply(TaskType type, String target, TaskOptions options) {
        return switch (type) {
            case REFRESH -> refresh(target, options);
            case REFRESH_DIR -> refreshDir(target, options);
            case REFRESH_TAG -> refreshTag(target, options);
            case PREFETCH -> prefetch(target, options);
        };
    }
}
