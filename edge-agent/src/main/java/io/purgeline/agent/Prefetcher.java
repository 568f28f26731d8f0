package io.purgeline.agent;

import com.google.common.util.concurrent.RateLimiter;
import io.purgeline.agent.CacheRequests.Body;
import io.purgeline.agent.CacheRequests.FetchFailed;
import io.purgeline.agent.CacheRequests.Fetched;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Prefetches through one node's cache as a CDN does: a GET per URL whose body streams through a reused buffer, at most
 * {@link PrefetchLimits#concurrency()} GETs at once and {@link PrefetchLimits#bytesPerSecond()} together for the
 * whole node, each reported with its status, bytes and time. With {@code options.hls} an {@code .m3u8} playlist is
 * read and the URLs it lists are prefetched after it — a master playlist's variant playlists expanded in turn — up to
 * {@link PrefetchLimits#hlsMaxSegments()} of them.
 */
final class Prefetcher {
    /** A playlist is text listing URLs; one longer than this is not a playlist the agent reads. */
    static final int MAX_PLAYLIST_BYTES = 4 * 1024 * 1024;

    private final CacheRequests cache;
    private final PrefetchLimits limits;
    private final Semaphore inFlight;
    private final RateLimiter pace;

    Prefetcher(CacheRequests cache, PrefetchLimits limits) {
        this.cache = cache;
        this.limits = limits;
        this.inFlight = new Semaphore(limits.concurrency(), true);
        this.pace = limits.bytesPerSecond() == 0 ? null : RateLimiter.create(limits.bytesPerSecond());
    }

    /** The URL's result, followed by its segments' when it is an HLS playlist and the task asks for expansion. */
    List<ItemResult> prefetch(String url, TaskOptions options) {
        if (options == null || !Boolean.TRUE.equals(options.hls()) || !isPlaylist(url)) {
            return List.of(one(url, options));
        }
        List<ItemResult> results = new ArrayList<>();
        int[] budget = {limits.hlsMaxSegments()};
        results.add(null);
        results.set(0, expand(url, options, results, budget, 0));
        return results;
    }

    /** The URL alone, a playlist or not. */
    ItemResult one(String url, TaskOptions options) {
        return fetch(url, options, null);
    }

    /**
     * Fetches a playlist, then what it lists into {@code results}; returns the playlist's own result, which fails
     * when the playlist could not be read or listed more than the budget allowed.
     */
    private ItemResult expand(String url, TaskOptions options, List<ItemResult> results, int[] budget, int depth) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ItemResult playlist = fetch(url, options, (buffer, length) -> {
            if (text.size() + length > MAX_PLAYLIST_BYTES) {
                throw new FetchFailed("the playlist is longer than " + MAX_PLAYLIST_BYTES + " bytes");
            }
            text.write(buffer, 0, length);
        });
        if (playlist.error() != null) {
            return playlist;
        }
        List<String> listed;
        try {
            listed = HlsPlaylist.uris(url, text.toString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return failed(playlist, e.getMessage());
        }
        int skipped = 0;
        for (String entry : listed) {
            if (budget[0] == 0) {
                skipped++;
                continue;
            }
            budget[0]--;
            // A master playlist lists variant playlists; theirs are the segments. Deeper nesting is not HLS.
            if (depth == 0 && isPlaylist(entry)) {
                int at = results.size();
                results.add(null);
                results.set(at, expand(entry, options, results, budget, depth + 1));
            } else {
                results.add(fetch(entry, options, null));
            }
        }
        if (skipped > 0) {
            return failed(playlist, skipped + " of the playlist's URLs were not prefetched: the agent expands a"
                    + " playlist into at most " + limits.hlsMaxSegments() + " (PURGELINE_HLS_MAX_SEGMENTS)");
        }
        return playlist;
    }

    /** One GET through the cache, within the node's caps; the body goes to {@code keep} when given. */
    private ItemResult fetch(String url, TaskOptions options, Body keep) {
        long start = System.nanoTime();
        CacheTarget target;
        try {
            target = CacheTarget.parse(url);
        } catch (IllegalArgumentException e) {
            return new ItemResult(url, 0, 0, 0, e.getMessage());
        }
        Map<String, String> headers = CacheRequests.taskHeaders(options);
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ItemResult(url, 0, 0, elapsedMs(start), "interrupted while the agent was stopping");
        }
        try {
            Fetched answer = cache.get(target, headers, pace, keep == null ? Body.DISCARD : keep);
            if (answer.status() / 100 == 2) {
                return new ItemResult(url, answer.status(), answer.bytes(), elapsedMs(start), null);
            }
            return new ItemResult(url, answer.status(), answer.bytes(), elapsedMs(start), "the cache answered "
                    + answer.status() + " " + answer.reason());
        } catch (FetchFailed e) {
            return new ItemResult(url, 0, 0, elapsedMs(start), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ItemResult(url, 0, 0, elapsedMs(start), "interrupted while the agent was stopping");
        } finally {
            inFlight.release();
        }
    }

    private static ItemResult failed(ItemResult playlist, String reason) {
        return new ItemResult(playlist.target(), playlist.httpCode(), playlist.bytes(), playlist.elapsedMs(), reason);
    }

    /** Whether the URL's path names an HLS playlist. */
    static boolean isPlaylist(String url) {
        try {
            String path = CacheTarget.parse(url).path();
            return path.toLowerCase(java.util.Locale.ROOT).endsWith(".m3u8");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
