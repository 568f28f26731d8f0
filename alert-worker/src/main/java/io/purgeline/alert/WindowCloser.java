package io.purgeline.alert;

import io.purgeline.runtime.Lease;
import io.purgeline.runtime.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The singleton {@code alert-windows}: every tick, closes the de-duplication windows whose time is up (queueing their
 * summaries, then waking the sinks); every ten minutes, forgets alerts older than the history's retention and
 * notifications sent or given up on more than a week ago, so the tables stay bounded.
 */
final class WindowCloser implements Singleton.Job {
    static final Duration FORGET_EVERY = Duration.ofMinutes(10);
    static final Duration KEEP_NOTIFICATIONS = Duration.ofDays(7);

    private final AlertRecorder recorder;
    private final List<SinkDelivery> deliveries;
    private final Clock clock;
    private final Duration keepHistory;
    private Instant lastForget = Instant.EPOCH;

    WindowCloser(AlertRecorder recorder, List<SinkDelivery> deliveries, Clock clock, Duration keepHistory) {
        this.recorder = recorder;
        this.deliveries = List.copyOf(deliveries);
        this.clock = clock;
        this.keepHistory = keepHistory;
    }

    @Override
    public void run(Lease lease) {
        if (recorder.closeDue() > 0) {
            deliveries.forEach(SinkDelivery::wake);
        }
        Instant now = clock.instant();
        if (Duration.between(lastForget, now).compareTo(FORGET_EVERY) >= 0) {
            lastForget = now;
            recorder.forget(now.minus(keepHistory), now.minus(KEEP_NOTIFICATIONS));
        }
    }
}
