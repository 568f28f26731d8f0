package io.purgeline.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Rates per second over the last 1, 5 and 15 minutes of running totals, for {@code /stats}. Sliding windows: each
 * tick samples every total; a window's rate is what the total grew by over the window, divided by its length. A
 * window reaches back no further than the tick before the total first grew, so a worker that has been idle and then
 * takes a steady load reads that load's rate within a few ticks, not after 15 minutes. The totals are the ones a
 * worker counts anyway (its Micrometer counters): counting costs nothing more per message.
 */
public final class Rates implements AutoCloseable {
    /** How often totals are sampled. */
    public static final Duration TICK = Duration.ofSeconds(5);
    private static final Duration[] WINDOWS = {Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15)};
    private static final String[] NAMES = {"m1", "m5", "m15"};

    private final long tickNanos;
    private final LongSupplier clock;
    private final Map<String, Track> tracks = new LinkedHashMap<>();
    private ScheduledExecutorService timer;

    /** Totals sampled only by {@link #tick()}, at the times {@code nanoClock} tells; {@link #start()} ticks on a timer. */
    public Rates(Duration tick, LongSupplier nanoClock) {
        this.tickNanos = tick.toNanos();
        this.clock = nanoClock;
    }

    /** Rates sampled every {@code PURGELINE_STATS_TICK_MS} (default {@link #TICK}) on a daemon thread. */
    public static Rates start(Env env) {
        Duration tick = env.millis("PURGELINE_STATS_TICK_MS", TICK);
        if (tick.toMillis() < 100) {
            throw new IllegalArgumentException("PURGELINE_STATS_TICK_MS must be at least 100, got " + tick.toMillis());
        }
        return new Rates(tick, System::nanoTime).start();
    }

    private record Sample(long at, double total) {}

    private static final class Track {
        final DoubleSupplier total;
        /** Oldest first, reaching back 15 minutes; a single sample until the total first grows. */
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        boolean grown;

        Track(DoubleSupplier total, long now) {
            this.total = total;
            samples.add(new Sample(now, total.getAsDouble()));
        }
    }

    /** Follows a running total under {@code name}: a counter's {@code count()}, or a sum of several. */
    public synchronized Rates track(String name, DoubleSupplier total) {
        tracks.put(name, new Track(total, clock.getAsLong()));
        return this;
    }

    public synchronized Rates start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stats rates");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
        return this;
    }

    /** Samples every total once. */
    public synchronized void tick() {
        long now = clock.getAsLong();
        long keepFrom = now - WINDOWS[WINDOWS.length - 1].toNanos() - tickNanos / 2;
        for (Track t : tracks.values()) {
            Sample s = new Sample(now, t.total.getAsDouble());
            if (!t.grown) {
                t.grown = s.total() > t.samples.getLast().total();
                if (!t.grown) {
                    t.samples.clear();
                }
            }
            t.samples.addLast(s);
            while (t.samples.getFirst().at() < keepFrom) {
                t.samples.removeFirst();
            }
        }
    }

    /** {@code {name: {"total": N, "m1": r, "m5": r, "m15": r}}}, rates per second to three decimals. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        tracks.forEach((name, t) -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("total", (long) t.total.getAsDouble());
            for (int i = 0; i < WINDOWS.length; i++) {
                one.put(NAMES[i], Math.round(rate(t, WINDOWS[i]) * 1000) / 1000.0);
            }
            out.put(name, one);
        });
        return out;
    }

    /** Growth from the oldest sample within the window (half a tick of slack for timer jitter) to the newest. */
    private double rate(Track t, Duration window) {
        Sample last = t.samples.getLast();
        long from = last.at() - window.toNanos() - tickNanos / 2;
        for (Iterator<Sample> it = t.samples.iterator(); it.hasNext(); ) {
            Sample first = it.next();
            if (first.at() >= from) {
                return first == last ? 0 : (last.total() - first.total()) * 1e9 / (last.at() - first.at());
            }
        }
        return 0;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
