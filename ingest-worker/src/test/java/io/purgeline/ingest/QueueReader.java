package io.purgeline.ingest;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.testkit.SaveParts;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.springframework.amqp.rabbit.connection.Connection;

/**
 * Consumes queues of the namespace and keeps every message, so tests of one class can each find theirs. Used where a
 * tap cannot be: saves are published to their partition's queue, with no exchange to bind a tap to. It consumes rather
 * than polls because RabbitMQ refuses basic.get on quorum queues with single active consumer (the saves queues); with
 * no saver running, the reader is that consumer.
 */
final class QueueReader implements AutoCloseable {
    /** One consumed message. */
    record Got(String queue, byte[] body, AMQP.BasicProperties props) {
        <T> T as(Codec codec, Class<T> type) {
            return codec.decode(body, props.getContentEncoding(), type);
        }

        SaveParts parts(Codec codec) {
            return SaveParts.of(codec, props.getType(), props.getContentEncoding(), body);
        }

        String header(String name) {
            Object v = props.getHeaders() == null ? null : props.getHeaders().get(name);
            return v == null ? null : v.toString();
        }
    }

    private final Connection connection;
    private final Channel channel;
    private final Codec codec;
    private final List<Got> got = new CopyOnWriteArrayList<>();
    private final List<String> consumerTags = new CopyOnWriteArrayList<>();

    private QueueReader(Connection connection, Channel channel, Codec codec) {
        this.connection = connection;
        this.channel = channel;
        this.codec = codec;
    }

    static QueueReader open(TestNamespace ns, List<String> queues) throws Exception {
        Connection c = ns.broker().connectionFactory().createConnection();
        Channel ch = c.createChannel(false);
        QueueReader reader = new QueueReader(c, ch, ns.config().codec());
        for (String q : queues) {
            reader.consumerTags.add(ch.basicConsume(q, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    reader.got.add(new Got(q, body, props));
                }
            }));
        }
        return reader;
    }

    /** The task creations among the saves consumed so far, sent alone or in batches, that match. */
    List<TaskCreated> created(Predicate<TaskCreated> matching) {
        return got.stream().flatMap(g -> g.parts(codec).created().stream()).filter(matching).toList();
    }

    /** Waits until a consumed save carries a task creation that matches, and returns the creation. */
    TaskCreated awaitCreated(Predicate<TaskCreated> matching, Duration timeout) {
        Got save = await(g -> g.parts(codec).created().stream().anyMatch(matching), timeout);
        return save.parts(codec).created().stream().filter(matching).findFirst().orElseThrow();
    }

    /** Waits until a consumed message of this AMQP type has a body that matches, and returns the message. */
    <T> Got await(String amqpType, Class<T> type, Predicate<T> matching, Duration timeout) {
        return await(g -> amqpType.equals(g.props().getType()) && matching.test(g.as(codec, type)), timeout);
    }

    /** Waits until a consumed message matches, and returns it. */
    Got await(Predicate<Got> matching, Duration timeout) {
        Got[] found = new Got[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            found[0] = got.stream().filter(matching).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    @Override
    public void close() throws Exception {
        // Cancel explicitly: closing a channel of the caching factory only returns it to the cache, and a consumer
        // left behind would go on taking a share of the queue's messages from the next reader.
        for (String tag : consumerTags) {
            channel.basicCancel(tag);
        }
        channel.close();
        connection.close();
    }
}
