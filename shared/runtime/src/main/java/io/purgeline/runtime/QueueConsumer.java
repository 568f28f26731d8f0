package io.purgeline.runtime;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareBatchMessageListener;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * Consumes a queue with manual acks: a message is acked only after its handler returned, that is after its effect is
 * durable. A {@link PoisonMessageException} parks the message in its area's dead-letter queue (with the reason) and
 * acks it. A failure known to be transient (see {@link Failures}: a service down, a lease moved) requeues the message
 * after a pause, as often as it takes, so an outage slows the consumer down instead of spinning it. Any other failure
 * may be the message's own: it is retried up to {@link Spec#maxAttempts} times, then given up on (the owner's
 * {@link GiveUp} makes its task end with the reason) and parked, so that no message can stop its queue. A batch that
 * fails so is taken apart and handled message by message, to find the one at fault and let the others through.
 */
public final class QueueConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueConsumer.class);

    /**
     * How long an idle batch consumer waits for a first message before it looks again (a message that comes is taken
     * at once). The container uses one receive timeout for the first message and the next ones; once a batch has begun
     * the next ones are only taken if already there (a receive timeout of 0), and an idle consumer that polled so every
     * millisecond took 0.8 % of a core, 15 % for a quiet stack's dozen consumers, from the work on a two-core box. It
     * also bounds how long stopping an idle consumer takes.
     */
    static final Duration IDLE_WAIT = Duration.ofMillis(100);
    /**
     * Tries of a message whose handling fails, not transiently, before it is parked: enough to ride out a failure
     * wrongly taken for the message's own, few enough that its queue waits seconds, not minutes.
     */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** The longest a reason carried in a dead letter's header and alert gets. */
    private static final int MAX_REASON = 1000;

    /** Message bodies decoded and handled at once, at most, within a batch ({@link #byBytes}). */
    static final long BATCH_BYTES = 1 << 20;

    private final List<SimpleMessageListenerContainer> containers;

    private QueueConsumer(List<SimpleMessageListenerContainer> containers) {
        this.containers = containers;
    }

    /** Handles one decoded message. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(T value, Inbound message) throws Exception;
    }

    /** Handles a batch of decoded messages; must not throw {@link PoisonMessageException} (decode poison instead). */
    @FunctionalInterface
    public interface BatchHandler<T> {
        void handle(List<T> values) throws Exception;
    }

    /**
     * Handles a batch of decoded messages and names those among them that are poison, by position, with the reason;
     * they are parked, the rest acked with them.
     */
    @FunctionalInterface
    public interface SortingBatchHandler<T> {
        Map<Integer, String> handle(List<T> values) throws Exception;
    }

    /**
     * What to do about a message before it is parked for good, so that what waits on it ends: the saver records the
     * task failed with the reason, dispatch reports its nodes failed, intake announces the submission rejected. A
     * transient failure here requeues the message (it is given up on again on its next try).
     */
    @FunctionalInterface
    public interface GiveUp<T> {
        void gaveUp(T value, String reason) throws Exception;

        static <T> GiveUp<T> nothing() {
            return (value, reason) -> { };
        }
    }

    /** Where and how to consume. */
    public record Spec(String queue, Topology.Area area, int concurrency, int prefetch, Duration transientBackoff,
            int maxAttempts) {
        public static Spec of(String queue, Topology.Area area) {
            return new Spec(queue, area, 1, 50, Duration.ofSeconds(1), DEFAULT_MAX_ATTEMPTS);
        }

        public Spec concurrency(int n) {
            return new Spec(queue, area, n, prefetch, transientBackoff, maxAttempts);
        }

        public Spec prefetch(int n) {
            return new Spec(queue, area, concurrency, n, transientBackoff, maxAttempts);
        }

        public Spec transientBackoff(Duration d) {
            return new Spec(queue, area, concurrency, prefetch, d, maxAttempts);
        }

        public Spec maxAttempts(int n) {
            return new Spec(queue, area, concurrency, prefetch, transientBackoff, n);
        }
    }

    public static <T> QueueConsumer single(Broker broker, Spec spec, DeadLetters dead,
            Function<Inbound, T> decoder, Handler<T> handler) {
        return single(broker, spec, dead, decoder, handler, GiveUp.nothing());
    }

    public static <T> QueueConsumer single(Broker broker, Spec spec, DeadLetters dead,
            Function<Inbound, T> decoder, Handler<T> handler, GiveUp<T> giveUp) {
        SimpleMessageListenerContainer c = container(broker, spec);
        FailureCounts failures = new FailureCounts();
        c.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
            long tag = message.getMessageProperties().getDeliveryTag();
            Inbound in = new Inbound(message);
            T value;
            try {
                value = decoder.apply(in);
            } catch (PoisonMessageException e) {
                park(dead, spec, in, e.code(), e.getMessage(), channel, tag);
                return;
            }
            try {
                handler.handle(value, in);
                failures.forget(in);
                channel.basicAck(tag, false);
            } catch (Exception e) {
                Verdict v = verdict(spec, failures, in, e);
                if (v == null || v.code() == null) {
                    requeue(spec, channel, tag, false, e);
                } else if (gaveUp(giveUp, value, v.reason(), spec, channel, tag)) {
                    park(dead, spec, in, v.code(), v.reason(), channel, tag);
                }
            }
        });
        return start(List.of(c));
    }

    /**
     * Consumes in batches of up to {@code batchSize}: the saver's way to turn many small saves into one multi-row
     * write (MariaDB: ~4,000 single-row commits/s, ~140,000 rows/s in 500-row upserts). A batch is what is already
     * there (delivered to this consumer, up to its prefetch): it ends at the first moment nothing more is, or {@code
     * fill} after it began, whichever is first; a message after a quiet spell goes alone, at once, and under load the
     * messages that came while a batch was handled make the next one. Waiting for a batch to fill cost every save its
     * full wait when the system was quiet (20 ms a save, several saves per purge in sequence) and, with results
     * trickling in, stretched one batch to seconds; even a millisecond's wait for one more message was paid by every
     * hop of a quiet purge (intake, dispatch, each save).
     */
    public static <T> QueueConsumer batch(Broker broker, Spec spec, int batchSize, Duration fill, DeadLetters dead,
            Function<Inbound, T> decoder, BatchHandler<T> handler) {
        return batch(broker, spec, batchSize, fill, dead, decoder, handler, GiveUp.nothing());
    }

    public static <T> QueueConsumer batch(Broker broker, Spec spec, int batchSize, Duration fill, DeadLetters dead,
            Function<Inbound, T> decoder, BatchHandler<T> handler, GiveUp<T> giveUp) {
        return sortingBatch(broker, spec, batchSize, fill, dead, decoder, values -> {
            handler.handle(values);
            return Map.of();
        }, giveUp);
    }

    /** As {@link #batch}, for a handler that may find some of the batch poison. */
    public static <T> QueueConsumer sortingBatch(Broker broker, Spec spec, int batchSize, Duration fill,
            DeadLetters dead, Function<Inbound, T> decoder, SortingBatchHandler<T> handler, GiveUp<T> giveUp) {
        FailureCounts failures = new FailureCounts();
        List<SimpleMessageListenerContainer> containers = new ArrayList<>();
        // One container per consumer: a container's receive timeout is shared by its consumers, and each consumer
        // moves its own between the idle wait and the next-message wait.
        for (int i = 1; i <= spec.concurrency(); i++) {
            SimpleMessageListenerContainer c = container(broker, spec.concurrency(1)
                    .prefetch(Math.max(spec.prefetch(), batchSize)));
            if (spec.concurrency() > 1) {
                c.setBeanName(spec.queue() + "." + i);
            }
            c.setConsumerBatchEnabled(true);
            c.setBatchSize(batchSize);
            c.setReceiveTimeout(IDLE_WAIT.toMillis());
            c.setAfterReceivePostProcessors(m -> {
                c.setReceiveTimeout(0); // a batch has begun: take the next messages only if they are already here
                return m;
            });
            c.setBatchReceiveTimeout(fill.toMillis());
            c.setMessageListener(batchListener(c, spec, dead, decoder, handler, giveUp, failures));
            containers.add(c);
        }
        return start(containers);
    }

    private static <T> ChannelAwareBatchMessageListener batchListener(SimpleMessageListenerContainer c, Spec spec,
            DeadLetters dead, Function<Inbound, T> decoder, SortingBatchHandler<T> handler, GiveUp<T> giveUp,
            FailureCounts failures) {
        return new ChannelAwareBatchMessageListener() {
            @Override
            public void onMessageBatch(List<Message> messages, Channel channel) {
                c.setReceiveTimeout(IDLE_WAIT.toMillis()); // the batch is gathered: the next one starts idle
                long last = messages.get(messages.size() - 1).getMessageProperties().getDeliveryTag();
                for (List<Message> group : byBytes(messages, BATCH_BYTES)) {
                    if (!handleGroup(group, last, channel)) {
                        return;
                    }
                }
            }

            /**
             * Decodes and handles one part of the batch and acks it; false when a transient failure requeued it and
             * every later part (everything unacked up to {@code last}).
             */
            private boolean handleGroup(List<Message> group, long last, Channel channel) {
                List<T> values = new ArrayList<>(group.size());
                List<Inbound> decoded = new ArrayList<>(group.size());
                List<Long> parkedTags = new ArrayList<>();
                long groupLast = group.get(group.size() - 1).getMessageProperties().getDeliveryTag();
                try {
                    for (Message m : group) {
                        Inbound in = new Inbound(m);
                        try {
                            values.add(decoder.apply(in));
                            decoded.add(in);
                        } catch (PoisonMessageException e) {
                            dead.park(spec.area(), spec.queue(), in, e.code(), e.getMessage());
                            parkedTags.add(m.getMessageProperties().getDeliveryTag());
                        }
                    }
                } catch (Exception e) {
                    requeue(spec, channel, last, true, e);
                    return false;
                }
                try {
                    if (!values.isEmpty()) {
                        parkSorted(dead, spec, decoded, handler.handle(values));
                    }
                    decoded.forEach(failures::forget);
                    channel.basicAck(groupLast, true);
                } catch (Exception e) {
                    if (Failures.isTransient(e)) {
                        // The parked ones are in their dead-letter queue already: only the rest go back.
                        ack(spec, channel, parkedTags);
                        requeue(spec, channel, last, true, e);
                        return false;
                    }
                    log.warn("a batch of {} from {} failed ({}); handling its messages one by one",
                            values.size(), spec.queue(), shortly(e));
                    oneByOne(channel, values, decoded, parkedTags);
                }
                return true;
            }

            /** Each message alone: the good ones are acked, the one at fault retried or, at last, parked. */
            private void oneByOne(Channel channel, List<T> values, List<Inbound> decoded, List<Long> parkedTags) {
                List<Long> retry = new ArrayList<>();
                Exception lastFailure = null;
                for (int i = 0; i < values.size(); i++) {
                    Inbound in = decoded.get(i);
                    long tag = in.message().getMessageProperties().getDeliveryTag();
                    try {
                        parkSorted(dead, spec, List.of(in), handler.handle(List.of(values.get(i))));
                        failures.forget(in);
                        channel.basicAck(tag, false);
                    } catch (Exception e) {
                        Verdict v = verdict(spec, failures, in, e);
                        if (v == null) {
                            // Transient after all: this and the rest go back, to be tried when it has passed.
                            lastFailure = e;
                            for (int k = i; k < values.size(); k++) {
                                retry.add(decoded.get(k).message().getMessageProperties().getDeliveryTag());
                            }
                            break;
                        }
                        if (v.code() == null) {
                            lastFailure = e;
                            retry.add(tag);
                        } else if (gaveUp(giveUp, values.get(i), v.reason(), spec, channel, tag)) {
                            park(dead, spec, in, v.code(), v.reason(), channel, tag);
                        }
                    }
                }
                ack(spec, channel, parkedTags);
                if (!retry.isEmpty()) {
                    log.warn("{} message(s) from {} failed alone ({}); requeueing them after {}", retry.size(),
                            spec.queue(), shortly(lastFailure), spec.transientBackoff());
                    pause(spec);
                    for (long tag : retry) {
                        nack(spec, channel, tag, false);
                    }
                }
            }
        };
    }

    /**
     * Splits a batch into runs of consecutive messages whose bodies (as they arrived, compressed or not) add up to at
     * most {@code budget} bytes; a larger message is a run of its own. Handled one after another and acked together,
     * so a batch of large messages is decoded a part at a time instead of all at once: the heap a batch needs is
     * bounded by the budget, not by the batch size times the largest message. A failure in a later run requeues the
     * whole batch, including runs already handled, which is safe because handlers are idempotent.
     */
    static List<List<Message>> byBytes(List<Message> messages, long budget) {
        List<List<Message>> groups = new ArrayList<>();
        List<Message> current = new ArrayList<>();
        long bytes = 0;
        for (Message m : messages) {
            long size = m.getBody().length;
            if (!current.isEmpty() && bytes + size > budget) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(m);
            bytes += size;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /** As {@link #sortingBatch} with nothing to do for a message given up on. */
    public static <T> QueueConsumer sortingBatch(Broker broker, Spec spec, int batchSize, Duration fill,
            DeadLetters dead, Function<Inbound, T> decoder, SortingBatchHandler<T> handler) {
        return sortingBatch(broker, spec, batchSize, fill, dead, decoder, handler, GiveUp.nothing());
    }

    /**
     * What becomes of a message whose handling failed: null when the failure is transient (requeue, uncounted); a
     * verdict without a code when it is to be tried again; one with a code and reason when it is to be given up on.
     */
    private record Verdict(String code, String reason) {}

    private static Verdict verdict(Spec spec, FailureCounts failures, Inbound in, Exception e) {
        if (e instanceof PoisonMessageException p) {
            failures.forget(in);
            return new Verdict(p.code(), p.getMessage());
        }
        if (Failures.isTransient(e)) {
            return null;
        }
        int failed = failures.failed(in);
        if (failed < spec.maxAttempts()) {
            return new Verdict(null, null);
        }
        failures.forget(in);
        String reason = "failed " + failed + " times, last: " + describe(e);
        log.warn("giving up on a message from {}: {}", spec.queue(), shortly(e), e);
        return new Verdict(DeadLetters.FAILED_REPEATEDLY, reason.length() <= MAX_REASON ? reason
                : reason.substring(0, MAX_REASON));
    }

    /** A failure in a line: a bad message repeats it several times, and its values may be large (a 70 KB header). */
    private static String shortly(Throwable e) {
        String d = describe(e);
        return d.length() <= MAX_REASON ? d : d.substring(0, MAX_REASON) + "...";
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** Runs the owner's give-up; false (and the message requeued) when that failed transiently. */
    private static <T> boolean gaveUp(GiveUp<T> giveUp, T value, String reason, Spec spec, Channel channel,
            long tag) {
        try {
            giveUp.gaveUp(value, reason);
            return true;
        } catch (Exception e) {
            if (Failures.isTransient(e)) {
                requeue(spec, channel, tag, false, e);
                return false;
            }
            log.error("could not end the work of a message from {} given up on; parking it all the same",
                    spec.queue(), e);
            return true;
        }
    }

    /** Acks messages one by one; a closed channel has its unacked deliveries requeued by the broker anyway. */
    private static void ack(Spec spec, Channel channel, List<Long> tags) {
        try {
            for (long tag : tags) {
                channel.basicAck(tag, false);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("could not ack parked messages on {}: {}", spec.queue(), e.getMessage());
        }
    }

    private static void parkSorted(DeadLetters dead, Spec spec, List<Inbound> decoded, Map<Integer, String> poison) {
        poison.forEach((i, reason) -> dead.park(spec.area(), spec.queue(), decoded.get(i), reason));
    }

    private static SimpleMessageListenerContainer container(Broker broker, Spec spec) {
        SimpleMessageListenerContainer c = new SimpleMessageListenerContainer(broker.connectionFactory());
        c.setQueueNames(spec.queue());
        c.setBeanName(spec.queue()); // names the consumer threads after their queue
        c.setAcknowledgeMode(AcknowledgeMode.MANUAL);
        c.setConcurrentConsumers(spec.concurrency());
        c.setPrefetchCount(spec.prefetch());
        c.setDefaultRequeueRejected(true);
        // Let in-flight handlers finish (and ack) on stop; the graceful-shutdown budget of a worker covers this.
        c.setShutdownTimeout(10_000);
        return c;
    }

    private static QueueConsumer start(List<SimpleMessageListenerContainer> containers) {
        for (SimpleMessageListenerContainer c : containers) {
            c.afterPropertiesSet();
            c.start();
        }
        return new QueueConsumer(containers);
    }

    private static void park(DeadLetters dead, Spec spec, Inbound in, String code, String reason, Channel channel,
            long tag) {
        try {
            dead.park(spec.area(), spec.queue(), in, code, reason);
            channel.basicAck(tag, false);
        } catch (IOException | RuntimeException parkFailed) {
            requeue(spec, channel, tag, false, parkFailed);
        }
    }

    private static void requeue(Spec spec, Channel channel, long tag, boolean multiple, Exception cause) {
        log.warn("handling a message from {} failed, requeueing it after {}", spec.queue(), spec.transientBackoff(),
                cause);
        pause(spec);
        nack(spec, channel, tag, multiple);
    }

    private static void pause(Spec spec) {
        try {
            Thread.sleep(spec.transientBackoff().toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    private static void nack(Spec spec, Channel channel, long tag, boolean multiple) {
        try {
            channel.basicNack(tag, multiple, true);
        } catch (IOException | RuntimeException nackFailed) {
            // The channel is gone; the broker requeues every unacked delivery of a closed channel by itself.
            log.warn("could not nack on {}: {}", spec.queue(), nackFailed.getMessage());
        }
    }

    public boolean isRunning() {
        return containers.stream().allMatch(SimpleMessageListenerContainer::isRunning);
    }

    /** Stops consuming; waits for handlers in progress to finish and ack. The consumers stop side by side. */
    @Override
    public void close() {
        List<Thread> stopping = new ArrayList<>();
        for (SimpleMessageListenerContainer c : containers) {
            Thread t = new Thread(c::stop, "stop-" + c.getListenerId());
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        containers.forEach(SimpleMessageListenerContainer::destroy);
    }
}
