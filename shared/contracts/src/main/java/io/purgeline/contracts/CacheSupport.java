package io.purgeline.contracts;

import java.util.List;
import java.util.Optional;

/**
 * What one kind of edge cache can do, as the agent's adapter for it does it: the task types it carries out, and those
 * it can also do soft ({@code options.soft}). Every kind also verifies ({@code options.verify}) a {@code refresh} and
 * expands HLS playlists ({@code options.hls}) in a prefetch. The edge agent's tests check this against its adapters.
 *
 * @param kind      the agent's {@code PURGELINE_CACHE_KIND}, as it reports it in heartbeats
 * @param types     task types (wire names) the cache carries out; any other is reported unsupported
 * @param softTypes task types the cache can do soft
 */
public record CacheSupport(String kind, List<String> types, List<String> softTypes) {
    public static final List<CacheSupport> ALL = List.of(
            new CacheSupport("varnish", List.of("refresh", "refresh_dir", "refresh_tag", "prefetch"),
                    List.of("refresh", "refresh_tag")),
            new CacheSupport("nginx", List.of("refresh", "prefetch"), List.of()),
            new CacheSupport("ats", List.of("refresh", "prefetch"), List.of()),
            new CacheSupport("squid", List.of("refresh", "prefetch"), List.of()));

    public static Optional<CacheSupport> of(String kind) {
        return ALL.stream().filter(c -> c.kind().equals(kind)).findFirst();
    }
}
