package io.purgeline.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one sink's notifications from the outbox on a thread of its own, so a slow or failing sink delays only
 * itself: the alerts consumer only writes the outbox. Woken when the consumer queued something, else it looks every
 * second (for retries that fell due and for rows another alert-worker's claim left behind). A failed send is retried
 * after {@code retryBase} × 4^(attempt − 1), at most five minutes, up to {@code maxAttempts} attempts.
 */
final class SinkDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkDelivery.class);
    private static final int CLAIM = 20;
    private static final Duration IDLE_LOOK = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    private final Sink sink;
    private final Outbox outbox;
    private final String owner;
    private final Clock clock;
    private final Duration timeout;
    private final Duration retryBase;
    private final int maxAttempts;
    private final Counter sent;
    private final Counter failed;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;

    private SinkDelivery(Sink sink, Outbox outbox, String owner, Clock clock, SinkSettings settings,
            MeterRegistry metrics) {
        this.sink = sink;
        this.outbox = outbox;
        this.owner = owner;
        this.clock = clock;
        this.timeout = settings.timeout();
        this.retryBase = settings.retryBase();
        this.maxAttempts = settings.maxAttempts();
        this.sent = metrics.counter("purgeline_alert_notifications_total", "sink", sink.name(), "result", "sent");
        this.failed = metrics.counter("purgeline_alert_notifications_total", "sink", sink.name(), "result", "failed");
        this.thread = new Thread(this::run, "alert-sink-" + sink.name());
        this.thread.setDaemon(true);
    }

    static SinkDelivery start(Sink sink, Outbox outbox, String owner, Clock clock, SinkSettings settings,
            MeterRegistry metrics) {
        SinkDelivery d = new SinkDelivery(sink, outbox, owner, clock, settings, metrics);
        d.thread.start();
        return d;
    }

    String sinkName() {
        return sink.name();
    }

    /** Something was queued for this sink: look now. */
    void wake() {
        wake.release();
    }

    private void run() {
        while (running) {
            try {
                int handled = round();
                if (handled == 0) {
                    wake.tryAcquire(IDLE_LOOK.toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // MariaDB unreachable, most likely; the rows wait in the outbox.
                log.warn("alert sink {}: cannot read its outbox: {}", sink.name(), e.toString());
                try {
                    Thread.sleep(IDLE_LOOK.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private int round() {
        Instant now = clock.instant();
        // A claim outlives every send of the batch, so no other alert-worker takes these rows meanwhile.
        List<Outbox.Entry> due = outbox.claim(sink.name(), owner, CLAIM, now,
                now.plus(timeout.multipliedBy(CLAIM + 1)));
        for (Outbox.Entry e : due) {
            if (!running) {
                break;
            }
            deliver(e);
        }
        return due.size();
    }

    private void deliver(Outbox.Entry e) {
        try {
            sink.send(e.notification());
            outbox.sent(e.id(), clock.instant());
            sent.increment();
        } catch (Exception ex) {
            int attempt = e.attempts() + 1;
            String why = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (attempt >= maxAttempts) {
                log.error("alert sink {} gave up on notification {} after {} attempts: {} ({})", sink.name(), e.id(),
                        attempt, e.notification().title(), why);
                outbox.failed(e.id(), why, null, clock.instant());
                failed.increment();
            } else {
                Duration backoff = retryBase.multipliedBy(1L << Math.min(2 * (attempt - 1), 20));
                log.warn("alert sink {}: notification {} not sent (attempt {}), again in {} ms: {}", sink.name(),
                        e.id(), attempt, backoff.toMillis(), why);
                outbox.failed(e.id(), why, backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff,
                        clock.instant());
            }
        }
    }

    /** Stops after the send in progress (bounded by the sink's timeout); unsent rows wait in the outbox. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        wake.release();
        thread.join(timeout.toMillis() + 5_000);
    }
}
