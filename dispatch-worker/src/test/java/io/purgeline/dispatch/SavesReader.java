package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.testkit.SaveParts;
import io.purgeline.testkit.TestNamespace;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.amqp.rabbit.connection.Connection;

/**
 * Consumes the namespace's saves queues directly, as a saver would. Not basic.get: quorum queues with
 * single-active-consumer refuse it (RESOURCE_LOCKED), so this registers as their consumer for the test's duration.
 */
final class SavesReader implements AutoCloseable {
    /** One save message as delivered, with the properties savers rely on and the parts it carries. */
    record Save(String routingKey, String type, String correlationId, SaveParts parts) {
        boolean carries(String taskId) {
            return parts.taskIds().anyMatch(taskId::equals);
        }
    }

    private final Connection connection;
    private final Channel channel;
    private final List<Save> saves = new CopyOnWriteArrayList<>();
    private final List<String> consumerTags = new CopyOnWriteArrayList<>();

    private SavesReader(Connection connection, Channel channel) {
        this.connection = connection;
        this.channel = channel;
    }

    static SavesReader open(TestNamespace ns) throws IOException {
        Connection c = ns.broker().connectionFactory().createConnection();
        Channel ch = c.createChannel(false);
        SavesReader reader = new SavesReader(c, ch);
        Codec codec = ns.config().codec();
        for (String q : ns.topology().savesQueues()) {
            reader.consumerTags.add(ch.basicConsume(q, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    reader.saves.add(new Save(env.getRoutingKey(), props.getType(), props.getCorrelationId(),
                            SaveParts.of(codec, props.getType(), props.getContentEncoding(), body)));
                }
            }));
        }
        return reader;
    }

    List<Save> saves() {
        return List.copyOf(saves);
    }

    /**
     * Waits for the one save of a task and returns the subtask's outcome in it, checking what savers rely on: the
     * task's outcomes in one message, on the task's partition.
     */
    static SubtaskOutcome awaitOutcome(TestNamespace ns, String taskId, String subtaskId, Duration patience)
            throws Exception {
        try (SavesReader reader = open(ns)) {
            await().atMost(patience).until(() -> reader.saves().stream().anyMatch(s -> s.carries(taskId)));
            List<Save> saves = reader.saves().stream().filter(s -> s.carries(taskId)).toList();
            assertThat(saves).singleElement().satisfies(s -> assertThat(s.routingKey())
                    .isEqualTo(ns.topology().savesQueue(ns.topology().savesPartition(taskId))));
            return saves.get(0).parts().outcomesOf(taskId).stream().filter(o -> o.subtaskId().equals(subtaskId))
                    .findFirst().orElseThrow();
        }
    }

    @Override
    public void close() throws Exception {
        // Cancel explicitly: closing a channel of the caching factory only returns it to the cache, and a consumer
        // left behind would stay the single active consumer of the saves queues.
        for (String tag : consumerTags) {
            channel.basicCancel(tag);
        }
        channel.close();
        connection.close();
    }
}
