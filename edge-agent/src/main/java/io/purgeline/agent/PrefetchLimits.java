package io.purgeline.agent;

import io.purgeline.service.Env;

/**
 * How hard one node's prefetches may pull through its cache. A prefetch makes the cache fetch from the origin, so a
 * large prefetch task would otherwise take the node's uplink and the origin's capacity away from its users.
 *
 * @param concurrency      prefetch GETs in flight at once on this node, over all its subtasks and HLS segments
 *                         ({@code PURGELINE_PREFETCH_CONCURRENCY}, default 4)
 * @param bytesPerSecond   body bytes per second all of this node's prefetches together may read from the cache, 0 for
 *                         no cap ({@code PURGELINE_PREFETCH_BYTES_PER_S}, default 0)
 * @param hlsMaxSegments   the most segments (and variant playlists) one HLS playlist is expanded into
 *                         ({@code PURGELINE_HLS_MAX_SEGMENTS}, default 2000: a 2-hour rendition in 4-second segments)
 */
public record PrefetchLimits(int concurrency, int bytesPerSecond, int hlsMaxSegments) {
    public static final PrefetchLimits DEFAULT = new PrefetchLimits(4, 0, 2000);

    public PrefetchLimits {
        if (concurrency < 1) {
            throw new IllegalArgumentException("PURGELINE_PREFETCH_CONCURRENCY must be at least 1, got " + concurrency);
        }
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("PURGELINE_PREFETCH_BYTES_PER_S must be 0 (no cap) or more, got "
                    + bytesPerSecond);
        }
        if (hlsMaxSegments < 1) {
            throw new IllegalArgumentException("PURGELINE_HLS_MAX_SEGMENTS must be at least 1, got " + hlsMaxSegments);
        }
    }

    public static PrefetchLimits from(Env env) {
        return new PrefetchLimits(
                env.integer("PURGELINE_PREFETCH_CONCURRENCY", DEFAULT.concurrency()),
                env.integer("PURGELINE_PREFETCH_BYTES_PER_S", DEFAULT.bytesPerSecond()),
                env.integer("PURGELINE_HLS_MAX_SEGMENTS", DEFAULT.hlsMaxSegments()));
    }
}
