package io.purgeline.dispatch;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.purgeline.testkit.TestNamespace;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.amqp.rabbit.connection.Connection;

/**
 * Consumes the namespace's saves queues directly, as a saver would. Not a tap: a queue bound to the consistent-hash
 * exchange would take a share of the messages. Not basic.get either: quorum queues with single-active-consumer
 * refuse it (RESOURCE_LOCKED), so this registers as their consumer for the test's duration.
 */
final class SavesReader implements AutoCloseable {
    /** One save as delivered, with the properties savers rely on. */
    record Save(String routingKey, String type, String correlationId, String contentEncoding, byte[] body) {}

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
        for (String q : ns.topology().savesQueues()) {
            reader.consumerTags.add(ch.basicConsume(q, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    reader.saves.add(new Save(env.getRoutingKey(), props.getType(), props.getCorrelationId(),
                            props.getContentEncoding(), body));
                }
            }));
        }
        return reader;
    }

    List<Save> saves() {
        return List.copyOf(saves);
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
