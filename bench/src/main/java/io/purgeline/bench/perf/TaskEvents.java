package io.purgeline.bench.perf;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskEvent;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What upstream hears: an exclusive queue bound to {@code {ns}.events} for every {@code task.*} event (API.md §2),
 * read the way an upstream reads it. Each event is stamped with {@link System#nanoTime()} on arrival, which is the
 * end of every submit → event latency the harness reports.
 */
public final class TaskEvents implements AutoCloseable {
    /** Routing keys after which a task changes no more. */
    public static final Set<String> FINAL = Set.of("task.completed", "task.failed", "task.expired", "task.rejected");

    /** One event as it arrived. */
    public record Seen(String routingKey, TaskEvent event, long arrivedNanos) {
        public boolean isFinal() {
            return FINAL.contains(routingKey);
        }

        /** Node results the event counts: done, failed and expired nodes together. */
        public int nodeResults() {
            return event.done() + event.failed() + event.expired();
        }
    }

    private final Codec codec = Codec.standard();
    private final Channel channel;
    private final Map<String, CompletableFuture<Seen>> finals = new ConcurrentHashMap<>();
    private final List<Consumer<Seen>> listeners = new CopyOnWriteArrayList<>();

    private TaskEvents(Channel channel) {
        this.channel = channel;
    }

    public static TaskEvents open(Connection connection, String eventsExchange) throws IOException {
        Channel ch = connection.createChannel();
        String queue = ch.queueDeclare().getQueue();
        ch.queueBind(queue, eventsExchange, "task.#");
        TaskEvents events = new TaskEvents(ch);
        ch.basicConsume(queue, true, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                events.arrived(env.getRoutingKey(), props.getContentEncoding(), body);
            }
        });
        return events;
    }

    private void arrived(String routingKey, String encoding, byte[] body) {
        long now = System.nanoTime();
        TaskEvent event = codec.decode(body, encoding, TaskEvent.class);
        Seen seen = new Seen(routingKey, event, now);
        for (Consumer<Seen> l : listeners) {
            l.accept(seen);
        }
        if (seen.isFinal() && event.taskId() != null) {
            finals.computeIfAbsent(event.taskId(), id -> new CompletableFuture<>()).complete(seen);
        }
    }

    /**
     * The task's final event; call before submitting so that a fast task is not missed. The future is forgotten once
     * it is complete and taken, so a long run holds only the tasks in flight.
     */
    public CompletableFuture<Seen> finalEvent(String taskId) {
        CompletableFuture<Seen> f = finals.computeIfAbsent(taskId, id -> new CompletableFuture<>());
        return f.whenComplete((s, e) -> finals.remove(taskId));
    }

    /** Forgets a task whose final event is no longer awaited (a case gave up on it). */
    public void forget(String taskId) {
        finals.remove(taskId);
    }

    /** Called on the broker's consumer thread for every event: keep it short. */
    public void listen(Consumer<Seen> listener) {
        listeners.add(listener);
    }

    public void unlisten(Consumer<Seen> listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() throws Exception {
        if (channel.isOpen()) {
            channel.close();
        }
    }
}
