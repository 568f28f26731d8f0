package io.purgeline.runtime;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import io.purgeline.contracts.Lane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The whole RabbitMQ topology, named under the namespace and declared in this one place (DESIGN.md). Declaring is
 * idempotent, so every worker declares at start and none depends on another having run first.
 */
public final class Topology {
    /** Routing key of task submissions on the tasks exchange (API.md §1). */
    public static final String SUBMIT_KEY = "task.submit";
    /** Header carrying the reason a message was parked in a dead-letter queue. */
    public static final String DEAD_REASON_HEADER = "x-purgeline-dead-reason";
    public static final String DEAD_SOURCE_HEADER = "x-purgeline-dead-source";
    public static final String TRACE_HEADER = "x-trace-id";
    /** Priorities 0–9 as in the API; classic queues support them on every RabbitMQ version we run on. */
    public static final int MAX_PRIORITY = 9;

    /** Where a dead letter came from; each has its own {@code <area>.dead} queue. */
    public enum Area {
        INGEST, DISPATCH, SAVES, ALERTS;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String ns;
    private final int savesPartitions;
    private final List<Duration> retryDelays;

    public Topology(String namespace, int savesPartitions, List<Duration> retryDelays) {
        this.ns = namespace;
        this.savesPartitions = savesPartitions;
        this.retryDelays = List.copyOf(retryDelays);
    }

    public static Topology of(PurgelineConfig config) {
        return new Topology(config.namespace(), config.savesPartitions(), config.retryDelays());
    }

    public String tasksExchange() {
        return ns + ".tasks";
    }

    public String ingestQueue() {
        return ns + ".ingest.tasks";
    }

    public String dispatchExchange() {
        return ns + ".dispatch";
    }

    public String laneQueue(Lane lane) {
        return ns + ".dispatch." + lane.wire();
    }

    /** Retry queue for one lane and delay; its messages expire back into the lane. Publish via the default exchange. */
    public String retryQueue(Lane lane, Duration delay) {
        return ns + ".dispatch.retry." + lane.wire() + "." + delay.toMillis();
    }

    public int savesPartitions() {
        return savesPartitions;
    }

    public String savesQueue(int partition) {
        return ns + ".saves." + partition;
    }

    /**
     * The partition a task's saves go to: CRC-32 of the task id, modulo the number of partitions. The publisher picks
     * the partition (and sends to the queue by the default exchange) so that it can put several tasks of one partition
     * in one message ({@code SaveBatch}). Never change the function: saves of a task published before and after the
     * change would land on two partitions, and an expiry could overtake the task's other saves.
     */
    public int savesPartition(String taskId) {
        CRC32 crc = new CRC32();
        crc.update(taskId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % savesPartitions);
    }

    /** Where to publish a save of this task: the default exchange, with its partition's queue as routing key. */
    public Outgoing save(String taskId, String type, Object payload) {
        return Outgoing.of("", savesQueue(savesPartition(taskId)), type, payload);
    }

    public List<String> savesQueues() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < savesPartitions; i++) {
            out.add(savesQueue(i));
        }
        return out;
    }

    public String eventsExchange() {
        return ns + ".events";
    }

    public String alertsExchange() {
        return ns + ".alerts";
    }

    public String alertsQueue() {
        return ns + ".alerts";
    }

    public String deadExchange() {
        return ns + ".dead";
    }

    public String deadQueue(Area area) {
        return ns + "." + area.key() + ".dead";
    }

    /**
     * Deliveries of one message a working quorum queue allows before the broker dead-letters it into its area's
     * {@code *.dead} queue. The consumers park a message that fails for a reason of its own after
     * {@link QueueConsumer#DEFAULT_MAX_ATTEMPTS} tries, long before this; the broker's limit is the backstop for what
     * they cannot count (a message that kills its consumer's process) and for long outages (a requeue a second: about
     * a quarter of an hour). Set explicitly because RabbitMQ 4 limits quorum queues to 20 deliveries by default and
     * drops what has no dead-letter exchange.
     */
    public static final int DELIVERY_LIMIT = 1000;
    /**
     * The dead-letter queues' own limit: listing them requeues every message it shows (alert-worker's admin), so on
     * RabbitMQ 4 the default of 20 would drop a parked message after 20 listings. Far more than anyone lists.
     */
    public static final int DEAD_DELIVERY_LIMIT = 1_000_000;

    /** Arguments of a working quorum queue of this area: a delivery limit, beyond it the area's dead-letter queue. */
    private Map<String, Object> quorum(Area area) {
        return Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", DELIVERY_LIMIT,
                "x-dead-letter-exchange", deadExchange(),
                "x-dead-letter-routing-key", area.key(),
                // at-least-once dead-lettering: the broker keeps a message until the dead-letter queue confirmed it.
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish");
    }

    public void declare(Channel ch) throws IOException {
        ch.exchangeDeclare(deadExchange(), BuiltinExchangeType.DIRECT, true);
        for (Area area : Area.values()) {
            ch.queueDeclare(deadQueue(area), true, false, false,
                    Map.of("x-queue-type", "quorum", "x-delivery-limit", DEAD_DELIVERY_LIMIT));
            ch.queueBind(deadQueue(area), deadExchange(), area.key());
        }

        ch.exchangeDeclare(tasksExchange(), BuiltinExchangeType.DIRECT, true);
        ch.queueDeclare(ingestQueue(), true, false, false, quorum(Area.INGEST));
        ch.queueBind(ingestQueue(), tasksExchange(), SUBMIT_KEY);

        ch.exchangeDeclare(dispatchExchange(), BuiltinExchangeType.DIRECT, true);
        for (Lane lane : Lane.values()) {
            ch.queueDeclare(laneQueue(lane), true, false, false, Map.of("x-max-priority", MAX_PRIORITY));
            ch.queueBind(laneQueue(lane), dispatchExchange(), lane.wire());
            for (Duration delay : retryDelays) {
                ch.queueDeclare(retryQueue(lane, delay), true, false, false, Map.of(
                        "x-message-ttl", delay.toMillis(),
                        "x-dead-letter-exchange", dispatchExchange(),
                        "x-dead-letter-routing-key", lane.wire()));
            }
        }

        // No exchange: publishers address a partition's queue directly (savesPartition).
        for (int i = 0; i < savesPartitions; i++) {
            Map<String, Object> saves = new HashMap<>(quorum(Area.SAVES));
            saves.put("x-single-active-consumer", true);
            ch.queueDeclare(savesQueue(i), true, false, false, saves);
        }

        ch.exchangeDeclare(eventsExchange(), BuiltinExchangeType.TOPIC, true);

        ch.exchangeDeclare(alertsExchange(), BuiltinExchangeType.TOPIC, true);
        ch.queueDeclare(alertsQueue(), true, false, false, quorum(Area.ALERTS));
        ch.queueBind(alertsQueue(), alertsExchange(), "#");
    }

    /** Removes everything {@link #declare} made; for tests and for tearing down a namespace. */
    public void delete(Channel ch) throws IOException {
        List<String> queues = new ArrayList<>(List.of(ingestQueue(), alertsQueue()));
        for (Area area : Area.values()) {
            queues.add(deadQueue(area));
        }
        for (Lane lane : Lane.values()) {
            queues.add(laneQueue(lane));
            retryDelays.forEach(d -> queues.add(retryQueue(lane, d)));
        }
        queues.addAll(savesQueues());
        for (String q : queues) {
            ch.queueDelete(q);
        }
        for (String x : List.of(deadExchange(), tasksExchange(), dispatchExchange(), eventsExchange(),
                alertsExchange())) {
            ch.exchangeDelete(x);
        }
    }
}
