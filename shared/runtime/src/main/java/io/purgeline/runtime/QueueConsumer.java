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
 * acks it; any other failure is transient: after a pause the message is requeued, so an outage of a downstream
 * service slows the consumer down instead of spinning it.
 */
public final class QueueConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueConsumer.class);

    /**
     * How long a batch waits for one more message. The container has no "take what is queued" poll, and a zero wait
     * would spin while idle; a millisecond is the least latency a quiet save pays, and an idle consumer wakes about a
     * thousand times a second (well under 1 % of a core).
     */
    static final Duration NEXT_MESSAGE_WAIT = Duration.ofMillis(1);

    /** Message bodies decoded and handled at once, at most, within a batch ({@link #byBytes}). */
    static final long BATCH_BYTES = 1 << 20;

    private final SimpleMessageListenerContainer container;

    private QueueConsumer(SimpleMessageListenerContainer container) {
        this.container = container;
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

    /** Where and how to consume. */
    public record Spec(String queue, Topology.Area area, int concurrency, int prefetch, Duration transientBackoff) {
        public static Spec of(String queue, Topology.Area area) {
            return new Spec(queue, area, 1, 50, Duration.ofSeconds(1));
        }

        public Spec concurrency(int n) {
            return new Spec(queue, area, n, prefetch, transientBackoff);
        }

        public Spec prefetch(int n) {
            return new Spec(queue, area, concurrency, n, transientBackoff);
        }

        public Spec transientBackoff(Duration d) {
            return new Spec(queue, area, concurrency, prefetch, d);
        }
    }

    public static <T> QueueConsumer single(Broker broker, Spec spec, DeadLetters dead,
            Function<Inbound, T> decoder, Handler<T> handler) {
        SimpleMessageListenerContainer c = container(broker, spec);
        c.setMessageListener((ChannelAwareMessageListener) (message, channel) -> {
            long tag = message.getMessageProperties().getDeliveryTag();
            Inbound in = new Inbound(message);
            try {
                handler.handle(decoder.apply(in), in);
                channel.basicAck(tag, false);
            } catch (PoisonMessageException e) {
                park(dead, spec, in, e, channel, tag);
            } catch (Exception e) {
                requeue(spec, channel, tag, false, e);
            }
        });
        return start(c);
    }

    /**
     * Consumes in batches of up to {@code batchSize}: the saver's way to turn many small saves into one multi-row
     * write (MariaDB: ~4,000 single-row commits/s, ~140,000 rows/s in 500-row upserts). A batch is what is already
     * there: it ends when no further message comes within {@link #NEXT_MESSAGE_WAIT}, or {@code fill} after it began,
     * whichever is first. Waiting for a batch to fill cost every save its full wait when the system was quiet (20 ms
     * a save, several saves per purge in sequence) and, with results trickling in, stretched one batch to seconds.
     */
    public static <T> QueueConsumer batch(Broker broker, Spec spec, int batchSize, Duration fill, DeadLetters dead,
            Function<Inbound, T> decoder, BatchHandler<T> handler) {
        return sortingBatch(broker, spec, batchSize, fill, dead, decoder, values -> {
            handler.handle(values);
            return Map.of();
        });
    }

    /** As {@link #batch}, for a handler that may find some of the batch poison. */
    public static <T> QueueConsumer sortingBatch(Broker broker, Spec spec, int batchSize, Duration fill,
            DeadLetters dead, Function<Inbound, T> decoder, SortingBatchHandler<T> handler) {
        SimpleMessageListenerContainer c = container(broker, spec.prefetch(Math.max(spec.prefetch(), batchSize)));
        c.setConsumerBatchEnabled(true);
        c.setBatchSize(batchSize);
        c.setReceiveTimeout(Math.min(fill.toMillis(), NEXT_MESSAGE_WAIT.toMillis()));
        c.setBatchReceiveTimeout(fill.toMillis());
        c.setMessageListener(new ChannelAwareBatchMessageListener() {
            @Override
            public void onMessageBatch(List<Message> messages, Channel channel) {
                long last = messages.get(messages.size() - 1).getMessageProperties().getDeliveryTag();
                try {
                    for (List<Message> group : byBytes(messages, BATCH_BYTES)) {
                        handleGroup(group);
                    }
                    channel.basicAck(last, true);
                } catch (Exception e) {
                    requeue(spec, channel, last, true, e);
                }
            }

            private void handleGroup(List<Message> group) throws Exception {
                List<T> values = new ArrayList<>(group.size());
                List<Inbound> decoded = new ArrayList<>(group.size());
                for (Message m : group) {
                    Inbound in = new Inbound(m);
                    try {
                        values.add(decoder.apply(in));
                        decoded.add(in);
                    } catch (PoisonMessageException e) {
                        dead.park(spec.area(), spec.queue(), in, e.getMessage());
                    }
                }
                if (!values.isEmpty()) {
                    handler.handle(values).forEach((i, reason) ->
                            dead.park(spec.area(), spec.queue(), decoded.get(i), reason));
                }
            }
        });
        return start(c);
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

    private static QueueConsumer start(SimpleMessageListenerContainer c) {
        c.afterPropertiesSet();
        c.start();
        return new QueueConsumer(c);
    }

    private static void park(DeadLetters dead, Spec spec, Inbound in, PoisonMessageException e, Channel channel,
            long tag) throws IOException {
        try {
            dead.park(spec.area(), spec.queue(), in, e.getMessage());
            channel.basicAck(tag, false);
        } catch (RuntimeException parkFailed) {
            requeue(spec, channel, tag, false, parkFailed);
        }
    }

    private static void requeue(Spec spec, Channel channel, long tag, boolean multiple, Exception cause) {
        log.warn("handling a message from {} failed, requeueing it after {}", spec.queue(), spec.transientBackoff(),
                cause);
        try {
            Thread.sleep(spec.transientBackoff().toMillis());
            channel.basicNack(tag, multiple, true);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException nackFailed) {
            // The channel is gone; the broker requeues every unacked delivery of a closed channel by itself.
            log.warn("could not nack on {}: {}", spec.queue(), nackFailed.getMessage());
        }
    }

    public boolean isRunning() {
        return container.isRunning();
    }

    /** Stops consuming; waits for handlers in progress to finish and ack. */
    @Override
    public void close() {
        container.stop();
        container.destroy();
    }
}
