package io.purgeline.alert;

import com.rabbitmq.client.GetResponse;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.BrokerException;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.Topology;
import io.purgeline.service.HttpError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

/**
 * Inspects, replays and drops the messages parked in the {@code *.dead} queues. Replaying publishes a message back to
 * the queue it came from, exactly as it was but for the dead-letter headers; nothing is removed from a dead queue
 * before its replay is confirmed by the broker.
 */
public final class DeadLetterAdmin {
    /** Longest body excerpt shown in a listing. */
    static final int PREVIEW_CHARS = 2_000;
    private static final Duration REQUEUE_WAIT = Duration.ofSeconds(5);

    private final Broker broker;
    private final Publisher publisher;
    private final Topology topology;
    private final DefaultMessagePropertiesConverter properties = new DefaultMessagePropertiesConverter();

    public DeadLetterAdmin(Broker broker, Publisher publisher, Topology topology) {
        this.broker = broker;
        this.publisher = publisher;
        this.topology = topology;
    }

    /** One parked message as a person reads it. */
    public record Parked(String messageId, String source, String reason, String type, String correlationId,
            String timestamp, String body) {}

    /** Depth of every dead queue. */
    public Map<String, Long> depths() {
        Map<String, Long> out = new LinkedHashMap<>();
        broker.withChannel(ch -> {
            for (Topology.Area area : Topology.Area.values()) {
                out.put(area.key(), ch.messageCount(topology.deadQueue(area)));
            }
        });
        return out;
    }

    /** Up to {@code limit} parked messages of an area, oldest first; they stay parked. */
    public List<Parked> list(String area, int limit) {
        List<Parked> out = new ArrayList<>();
        visit(area, m -> out.size() < limit, (m, parked) -> {
            out.add(parked);
            return false;
        });
        return out;
    }

    /** What a replay did: how many messages went back to their queues, and how many stayed parked. */
    public record Replayed(int replayed, int kept) {}

    /**
     * Publishes the matching messages back to their source queues, persistent. A message whose source is not a queue
     * (a stored delivery from a Redis list that could not be decoded, or a message not parked by purgeline) has
     * nowhere to go back to and stays parked.
     */
    public Replayed replay(String area, String messageId) {
        int[] n = new int[2];
        Map<String, Boolean> queues = new HashMap<>();
        visit(area, matching(messageId), (m, parked) -> {
            if (parked.source() == null || !queues.computeIfAbsent(parked.source(), this::queueExists)) {
                n[1]++;
                return false;
            }
            MessageProperties p = m.getMessageProperties();
            p.getHeaders().remove(Topology.DEAD_REASON_HEADER);
            p.getHeaders().remove(Topology.DEAD_SOURCE_HEADER);
            // The properties converter leaves the delivery mode unset: restore it, or a replayed message would not
            // survive a broker restart.
            p.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
            publisher.publishRaw("", parked.source(), m);
            n[0]++;
            return true;
        });
        return new Replayed(n[0], n[1]);
    }

    private boolean queueExists(String queue) {
        try {
            broker.withChannel(ch -> ch.queueDeclarePassive(queue));
            return true;
        } catch (BrokerException e) {
            return false;
        }
    }

    /** Removes the matching messages for good; returns how many. */
    public int drop(String area, String messageId) {
        int[] n = new int[1];
        visit(area, matching(messageId), (m, parked) -> {
            n[0]++;
            return true;
        });
        return n[0];
    }

    private static Predicate<Message> matching(String messageId) {
        return m -> messageId == null || messageId.equals(m.getMessageProperties().getMessageId());
    }

    private interface Action {
        /** Returns true to remove the message from the dead queue (after the action succeeded). */
        boolean apply(Message message, Parked parked) throws Exception;
    }

    /**
     * Takes every message currently in the queue without acking it (so none comes round twice), applies the action to
     * the selected ones, acks those the action consumed and returns the rest to the queue.
     */
    private void visit(String area, Predicate<Message> selected, Action action) {
        String queue = topology.deadQueue(areaOf(area));
        int[] kept = new int[1];
        broker.withChannel(ch -> {
            long count = ch.messageCount(queue);
            List<Long> keep = new ArrayList<>();
            try {
                for (long i = 0; i < count; i++) {
                    GetResponse r = ch.basicGet(queue, false);
                    if (r == null) {
                        break;
                    }
                    long tag = r.getEnvelope().getDeliveryTag();
                    Message m = new Message(r.getBody(), properties.toMessageProperties(r.getProps(),
                            r.getEnvelope(), "UTF-8"));
                    boolean consumed;
                    try {
                        consumed = selected.test(m) && action.apply(m, describe(m));
                    } catch (Exception e) {
                        keep.add(tag); // back to the queue with the others, not left unacked on a cached channel
                        throw e;
                    }
                    if (consumed) {
                        ch.basicAck(tag, false);
                    } else {
                        keep.add(tag);
                    }
                }
            } finally {
                for (long tag : keep) {
                    ch.basicNack(tag, false, true);
                }
                kept[0] = keep.size();
            }
        });
        awaitReady(queue, kept[0]);
    }

    /**
     * The queue applies a requeue after the channel has moved on, so without this wait a listing right after a replay
     * could miss messages that are still parked. Bounded: a slow broker delays the answer, never loses a message.
     */
    private void awaitReady(String queue, int atLeast) {
        long deadline = System.nanoTime() + REQUEUE_WAIT.toNanos();
        long[] ready = new long[1];
        while (true) {
            broker.withChannel(ch -> ready[0] = ch.messageCount(queue));
            if (ready[0] >= atLeast || System.nanoTime() > deadline) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Parked describe(Message m) {
        MessageProperties p = m.getMessageProperties();
        String body;
        try {
            body = Codec.inflate(m.getBody(), p.getContentEncoding());
        } catch (CodecException e) {
            body = "(undecodable: " + e.getMessage() + ")";
        }
        if (body.length() > PREVIEW_CHARS) {
            body = body.substring(0, PREVIEW_CHARS) + "…";
        }
        String source = header(p, Topology.DEAD_SOURCE_HEADER);
        String reason = header(p, Topology.DEAD_REASON_HEADER);
        List<Map<String, ?>> death = p.getXDeathHeader();
        if (source == null && death != null && !death.isEmpty()) {
            // Dead-lettered by the broker itself (a quorum queue's delivery limit): it says where from and why.
            source = String.valueOf(death.get(0).get("queue"));
            reason = "dead-lettered by the broker: " + death.get(0).get("reason");
        }
        return new Parked(p.getMessageId(), source, reason,
                p.getType(), p.getCorrelationId(), p.getTimestamp() == null ? null : p.getTimestamp().toInstant()
                        .toString(), body);
    }

    private static String header(MessageProperties p, String name) {
        Object v = p.getHeaders().get(name);
        return v == null ? null : v.toString();
    }

    private static Topology.Area areaOf(String area) {
        return Arrays.stream(Topology.Area.values()).filter(a -> a.key().equals(area)).findFirst()
                .orElseThrow(() -> HttpError.notFound("no dead-letter area '" + area + "'; areas are "
                        + Arrays.stream(Topology.Area.values()).map(Topology.Area::key).toList()));
    }
}
