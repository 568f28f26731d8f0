package io.purgeline.testkit;

import org.awaitility.Awaitility;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.purgeline.contracts.Codec;
import io.purgeline.runtime.Broker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.springframework.amqp.rabbit.connection.Connection;

/** An exclusive, auto-deleted queue bound to an exchange, recording every message that arrives. */
public final class Tap implements AutoCloseable {
    /** One message seen by the tap. */
    public record Seen(String routingKey, byte[] body, String contentEncoding, Map<String, Object> headers,
            AMQP.BasicProperties properties) {
        public <T> T as(Codec codec, Class<T> type) {
            return codec.decode(body, contentEncoding, type);
        }
    }

    private final Connection connection;
    private final Channel channel;
    private final Codec codec;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private String consumerTag;

    private Tap(Connection connection, Channel channel, Codec codec) {
        this.connection = connection;
        this.channel = channel;
        this.codec = codec;
    }

    static Tap open(Broker broker, Codec codec, String exchange, List<String> keys) {
        try {
            Connection c = broker.connectionFactory().createConnection();
            Channel ch = c.createChannel(false);
            String q = ch.queueDeclare().getQueue();
            for (String k : keys) {
                ch.queueBind(q, exchange, k);
            }
            Tap tap = new Tap(c, ch, codec);
            tap.consumerTag = ch.basicConsume(q, true, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    tap.seen.add(new Seen(env.getRoutingKey(), body, props.getContentEncoding(),
                            props.getHeaders() == null ? Map.of() : Map.copyOf(props.getHeaders()), props));
                }
            });
            return tap;
        } catch (Exception e) {
            throw new IllegalStateException("cannot tap " + exchange, e);
        }
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Waits for a message with this routing key whose decoded body satisfies the predicate, and returns it. */
    public <T> T await(String routingKey, Class<T> type, Predicate<T> matching, Duration timeout) {
        Object[] found = new Object[1];
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (Seen s : seen) {
                if (s.routingKey().equals(routingKey)) {
                    T v = s.as(codec, type);
                    if (matching.test(v)) {
                        found[0] = v;
                        return true;
                    }
                }
            }
            return false;
        });
        return type.cast(found[0]);
    }

    @Override
    public void close() throws Exception {
        // The caching connection factory keeps "closed" channels open for reuse: cancel, or the consumer lives on.
        channel.basicCancel(consumerTag);
        channel.close();
        connection.close();
    }
}
