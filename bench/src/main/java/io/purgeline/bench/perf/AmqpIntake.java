package io.purgeline.bench.perf;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Task submissions over AMQP with {@code concurrency} tasks in flight (closed loop): a task is in flight from its
 * publish (persistent, on a channel in confirm mode) until its {@code task.accepted} event; confirms are awaited in
 * bulk at the end, as a pipelining upstream does.
 */
final class AmqpIntake {

    private final SystemUnderTest sut;
    private final int concurrency;
    private final Map<String, Long> published = new ConcurrentHashMap<>();
    private final Latencies latencies = new Latencies();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong other = new AtomicLong();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    AmqpIntake(SystemUnderTest sut, int concurrency) {
        this.sut = sut;
        this.concurrency = concurrency;
    }

    Map<String, Object> run(int warmupSeconds, int seconds) throws Exception {
        Semaphore flight = new Semaphore(concurrency);
        Consumer<TaskEvents.Seen> listener = seen -> {
            Long start = seen.event().taskId() == null ? null : published.get(seen.event().taskId());
            if (start == null) {
                return;
            }
            boolean inWindow = start >= windowStart && seen.arrivedNanos() <= windowEnd;
            switch (seen.routingKey()) {
                case "task.accepted" -> {
                    if (inWindow) {
                        accepted.incrementAndGet();
                        latencies.add(seen.arrivedNanos() - start);
                    }
                    flight.release();
                }
                case "task.completed" -> {
                    published.remove(seen.event().taskId());
                    if (seen.arrivedNanos() >= windowStart && seen.arrivedNanos() <= windowEnd) {
                        completed.incrementAndGet();
                    }
                }
                case "task.rejected", "task.duplicate" -> {
                    other.incrementAndGet();
                    published.remove(seen.event().taskId());
                    flight.release();
                }
                default -> { }
            }
        };
        sut.events().listen(listener);
        Channel ch = sut.amqp().createChannel();
        try {
            ch.confirmSelect();
            AMQP.BasicProperties persistentJson = new AMQP.BasicProperties.Builder().contentType("application/json")
                    .deliveryMode(2).userId(sut.amqpUser()).build();
            long now = System.nanoTime();
            windowStart = now + TimeUnit.SECONDS.toNanos(warmupSeconds);
            windowEnd = windowStart + TimeUnit.SECONDS.toNanos(seconds);
            long n = 0;
            while (System.nanoTime() < windowEnd) {
                if (!flight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                String taskId = Tasks.scoped("in-amqp-" + (++n) + "-" + Long.toHexString(now));
                published.put(taskId, System.nanoTime());
                ch.basicPublish(sut.topologyTasksExchange(), "task.submit", persistentJson,
                        Tasks.refresh(taskId, Tasks.CUSTOMER, 1, List.of(IntakeScenario.REGION))
                                .getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(60_000);
        } finally {
            sut.events().unlisten(listener);
            ch.close();
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("accepted_per_s", (double) Math.round(accepted.get() / (double) seconds));
        f.put("completed_per_s", (double) Math.round(completed.get() / (double) seconds));
        f.put("refused", other.get());
        f.putAll(latencies.summary());
        return f;
    }
}
