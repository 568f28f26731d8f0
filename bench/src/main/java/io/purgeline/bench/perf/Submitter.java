package io.purgeline.bench.perf;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.purgeline.testkit.SignedHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Submits one task at a time, over AMQP (persistent, confirmed, as API.md §1 asks of upstream) or over HTTP. */
public final class Submitter implements AutoCloseable {
    /** How a task reaches ingest. */
    public enum Transport {
        AMQP, HTTP;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Duration CONFIRM = Duration.ofSeconds(30);
    private final Channel channel;
    private final String tasksExchange;
    private final String user;
    private final SignedHttp customer;

    private Submitter(Channel channel, String tasksExchange, String user, SignedHttp customer) {
        this.channel = channel;
        this.tasksExchange = tasksExchange;
        this.user = user;
        this.customer = customer;
    }

    /**
     * @param user     the AMQP user of {@code connection}: the upstream user ingest takes submissions from
     * @param customer signs {@code POST /v1/tasks} as the benchmark's customer
     */
    public static Submitter open(Connection connection, String tasksExchange, String user, SignedHttp customer)
            throws IOException {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        return new Submitter(ch, tasksExchange, user, customer);
    }

    /** The benchmark's customer, signing its HTTP requests. */
    public SignedHttp customer() {
        return customer;
    }

    public void submit(Transport transport, String taskId, String json) throws Exception {
        if (transport == Transport.AMQP) {
            publish(taskId, json);
        } else {
            post(json);
        }
    }

    /** Publishes and waits for the broker's confirm: only then has upstream handed the task over. */
    public synchronized void publish(String taskId, String json) throws IOException, InterruptedException,
            TimeoutException {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).messageId(taskId).userId(user).build();
        channel.basicPublish(tasksExchange, "task.submit", props, json.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(CONFIRM.toMillis());
    }

    /** {@code POST /v1/tasks}; anything but 202 is an error, with the answer. */
    public void post(String json) throws Exception {
        HttpResponse<String> r = customer.post("/v1/tasks", json);
        if (r.statusCode() != 202) {
            throw new IllegalStateException("POST /v1/tasks answered " + r.statusCode() + ": " + r.body());
        }
    }

    @Override
    public void close() throws Exception {
        if (channel.isOpen()) {
            channel.close();
        }
    }
}
