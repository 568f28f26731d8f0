package io.purgeline.runtime;

import com.rabbitmq.client.Channel;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * One process's link to RabbitMQ: a caching connection factory with publisher confirms, shared by its publisher and
 * listener containers. Spring AMQP recovers the connection after a broker restart.
 */
public final class Broker implements AutoCloseable {
    private final CachingConnectionFactory factory;

    private Broker(CachingConnectionFactory factory) {
        this.factory = factory;
    }

    public static Broker connect(PurgelineConfig.Amqp amqp, String clientName) {
        CachingConnectionFactory f = new CachingConnectionFactory(amqp.host(), amqp.port());
        f.setUsername(amqp.user());
        f.setPassword(amqp.password());
        f.setVirtualHost(amqp.vhost());
        f.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        f.setConnectionNameStrategy(cf -> clientName);
        // Consumers and publishers of a busy worker each hold a channel; 32 cached covers both without churn.
        f.setChannelCacheSize(32);
        return new Broker(f);
    }

    /** The user this process connects as; the broker checks that a message's {@code user_id} names it. */
    public String user() {
        return factory.getUsername();
    }

    public ConnectionFactory connectionFactory() {
        return factory;
    }

    /** Declares the topology on a short-lived channel. */
    public void declare(Topology topology) {
        withChannel(topology::declare);
    }

    /** Runs a raw-client action on a fresh channel (declarations, queue inspection in tools and tests). */
    public void withChannel(ChannelCallback action) {
        try (Connection c = factory.createConnection(); Channel ch = c.createChannel(false)) {
            action.doWith(ch);
        } catch (Exception e) {
            throw new BrokerException("broker operation failed: " + e.getMessage(), e);
        }
    }

    public boolean isConnected() {
        try (Connection c = factory.createConnection()) {
            return c.isOpen();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        factory.destroy();
    }

    @FunctionalInterface
    public interface ChannelCallback {
        void doWith(Channel channel) throws Exception;
    }
}
