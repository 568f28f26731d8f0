package io.purgeline.bench.perf;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker's floor, measured like RabbitMQ's PerfTest measures it (MEASUREMENTS.md): persistent 200-byte messages
 * with publisher confirms into one durable queue of the namespace, one producer and one consumer acking each
 * message. Two figures: the sustained rate with a window of unconfirmed messages, and the round trip of one message
 * at a time (publish → confirm, publish → delivered to the consumer).
 */
final class BrokerFloor {
    private static final int WINDOW = 1000;
    private static final byte[] BODY = new byte[200];
    private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2)
            .contentType("application/octet-stream").build();

    private final Connection producer;
    private final Connection consumer;
    /** Sequence numbers published and not yet confirmed, to count what a "multiple" confirm covers. */
    private final NavigableSet<Long> unconfirmed = new TreeSet<>();

    BrokerFloor(Connection producer, Connection consumer) {
        this.producer = producer;
        this.consumer = consumer;
    }

    /**
     * Measures on a queue of the given type ({@code classic} or {@code quorum}) named {@code queue}, deleted after.
     * Figures: published_per_s (confirmed), consumed_per_s, then the round trips of {@code roundTrips} single messages.
     */
    Map<String, Object> measure(String queue, String type, double seconds, int roundTrips) throws Exception {
        Channel pub = producer.createChannel();
        Channel sub = consumer.createChannel();
        try {
            pub.queueDeclare(queue, true, false, false, Map.of("x-queue-type", type));
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.putAll(rate(pub, sub, queue, seconds));
            figures.putAll(roundTrips(pub, sub, queue, roundTrips));
            return figures;
        } finally {
            pub.queueDelete(queue);
            pub.close();
            sub.close();
        }
    }

    private Map<String, Object> rate(Channel pub, Channel sub, String queue, double seconds) throws Exception {
        AtomicLong consumed = new AtomicLong();
        sub.basicQos(WINDOW);
        String tag = sub.basicConsume(queue, false, new DefaultConsumer(sub) {
            @Override
            public void handleDelivery(String t, Envelope env, AMQP.BasicProperties p, byte[] body)
                    throws IOException {
                sub.basicAck(env.getDeliveryTag(), false);
                consumed.incrementAndGet();
            }
        });
        pub.confirmSelect();
        Semaphore window = new Semaphore(WINDOW);
        AtomicLong confirmed = new AtomicLong();
        pub.addConfirmListener((seq, multiple) -> {
            int n = confirmedBy(seq, multiple);
            confirmed.addAndGet(n);
            window.release(n);
        }, (seq, multiple) -> {
            throw new IllegalStateException("the broker refused message " + seq);
        });
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                synchronized (this) {
                    unconfirmed.add(pub.getNextPublishSeqNo());
                }
                pub.basicPublish("", queue, PERSISTENT, BODY);
            }
        }
        pub.waitForConfirmsOrDie(30_000);
        double elapsed = (System.nanoTime() - start) / 1e9;
        long consumedInWindow = consumed.get();
        sub.basicCancel(tag);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("published_per_s", Math.round(confirmed.get() / elapsed));
        f.put("consumed_per_s", Math.round(consumedInWindow / elapsed));
        sub.queuePurge(queue);
        return f;
    }

    /** Removes and counts the unconfirmed sequence numbers a confirm covers (all up to {@code seq} if multiple). */
    private synchronized int confirmedBy(long seq, boolean multiple) {
        if (!multiple) {
            return unconfirmed.remove(seq) ? 1 : 0;
        }
        NavigableSet<Long> head = unconfirmed.headSet(seq, true);
        int n = head.size();
        head.clear();
        return n;
    }

    private Map<String, Object> roundTrips(Channel pub, Channel sub, String queue, int count) throws Exception {
        // A message of the rate measurement that the purge did not remove (one delivered to its consumer as it was
        // cancelled) may still come here: each round trip's message carries its number, and only that one counts.
        BlockingQueue<long[]> delivered = new LinkedBlockingQueue<>();
        String tag = sub.basicConsume(queue, false, new DefaultConsumer(sub) {
            @Override
            public void handleDelivery(String t, Envelope env, AMQP.BasicProperties p, byte[] body)
                    throws IOException {
                long now = System.nanoTime();
                sub.basicAck(env.getDeliveryTag(), false);
                String id = p.getMessageId();
                delivered.add(new long[] {id == null ? -1 : Long.parseLong(id), now});
            }
        });
        Channel single = producer.createChannel();
        single.confirmSelect();
        Latencies confirm = new Latencies();
        Latencies trip = new Latencies();
        for (int i = 0; i < count; i++) {
            AMQP.BasicProperties numbered = PERSISTENT.builder().messageId(Integer.toString(i)).build();
            long t0 = System.nanoTime();
            single.basicPublish("", queue, numbered, BODY);
            single.waitForConfirmsOrDie(10_000);
            confirm.add(System.nanoTime() - t0);
            long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
            long[] seen;
            do {
                seen = delivered.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } while (seen != null && seen[0] != i);
            if (seen == null) {
                throw new IllegalStateException("a message published to " + queue + " was not delivered in 10 s");
            }
            trip.add(seen[1] - t0);
        }
        single.close();
        sub.basicCancel(tag);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("confirm_p50_ms", Latencies.round(confirm.quantileMs(0.5)));
        f.put("confirm_p99_ms", Latencies.round(confirm.quantileMs(0.99)));
        f.put("delivered_p50_ms", Latencies.round(trip.quantileMs(0.5)));
        f.put("delivered_p99_ms", Latencies.round(trip.quantileMs(0.99)));
        return f;
    }
}
