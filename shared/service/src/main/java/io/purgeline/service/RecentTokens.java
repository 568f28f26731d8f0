package io.purgeline.service;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link NonceStore} in this process's memory, for links whose receiver is a single process (an agent) or where a
 * replay to another instance does no harm. A token is kept only while its timestamp would pass, so the memory is
 * bounded by the request rate times the window.
 */
public final class RecentTokens implements NonceStore {
    private final Clock clock;
    private final Map<String, Long> usedUntil = new ConcurrentHashMap<>();
    private volatile long nextSweep;

    public RecentTokens(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean claim(String token, Duration ttl) {
        long now = clock.millis();
        sweep(now);
        return usedUntil.putIfAbsent(token, now + ttl.toMillis()) == null;
    }

    @Override
    public void release(String token) {
        usedUntil.remove(token);
    }

    /** Forgets expired tokens, at most once a second. */
    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + 1000;
        for (Iterator<Long> it = usedUntil.values().iterator(); it.hasNext(); ) {
            if (it.next() < now) {
                it.remove();
            }
        }
    }
}
