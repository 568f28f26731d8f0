package io.purgeline.bench.perf;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI tasksUri;

    private Submitter(Channel channel, String tasksExchange, URI tasksUri) {
        this.channel = channel;
        this.tasksExchange = tasksExchange;
        this.tasksUri = tasksUri;
    }

    public static Submitter open(Connection connection, String tasksExchange, String ingestUrl) throws IOException {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        return new Submitter(ch, tasksExchange, URI.create(ingestUrl + "/v1/tasks"));
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
                .deliveryMode(2).messageId(taskId).build();
        channel.basicPublish(tasksExchange, "task.submit", props, json.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(CONFIRM.toMillis());
    }

    /** {@code POST /v1/tasks}; anything but 202 is an error, with the answer. */
    public void post(String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(tasksUri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
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
