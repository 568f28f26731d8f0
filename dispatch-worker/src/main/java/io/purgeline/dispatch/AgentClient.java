package io.purgeline.dispatch;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.BatchQueued;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.TaskType;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.SignedPost;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one node its batch: the subtasks waiting for it, of any number of tasks, in one signed request over the
 * process's pooled keep-alive client. One exchange per node per batch, not per subtask, is what lets a node take
 * thousands of subtasks a second (a request per delivery capped a whole fleet at ~8,000 a second here).
 */
public final class AgentClient {
    private static final Logger log = LoggerFactory.getLogger(AgentClient.class);
    public static final String TASK_PATH = "/v1/agent/task";

    private final HttpClient client;
    private final Codec codec;
    private final AgentKeys keys;
    private final String callbackApi;
    private final Duration timeout;
    private final Duration answerWithin;

    /**
     * @param answerWithin how long an agent may hold its answer for the batch's results ({@code answer_ms}); zero
     *                     asks for none, every result then comes by callback. Less than {@code timeout}.
     */
    public AgentClient(HttpClient client, Codec codec, AgentKeys keys, URI callbackApi, Duration timeout,
            Duration answerWithin) {
        if (answerWithin.compareTo(timeout) >= 0) {
            throw new IllegalArgumentException("an agent's answer may be held " + answerWithin.toMillis()
                    + " ms, which is not less than the " + timeout.toMillis() + " ms it is given to answer");
        }
        this.client = client;
        this.codec = codec;
        this.keys = keys;
        this.callbackApi = callbackApi.toString();
        this.timeout = timeout;
        this.answerWithin = answerWithin;
    }

    /**
     * Sends parcels that all go to one node (one {@link Parcel#destination()}); completes with one delivery per
     * parcel, in order, and never exceptionally: an unreachable or refusing agent is a failed delivery.
     */
    CompletableFuture<List<Delivery>> send(List<Parcel> parcels) {
        Assignment first = parcels.get(0).assignment();
        URI uri;
        try {
            uri = agentUri(first.address());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(each(parcels, a -> Delivery.impossible(a, e.getMessage())));
        }
        // The agent refuses a token it has seen; two sends of one body within a second would sign alike (a stored
        // delivery parked twice and replayed together), so each send carries a nonce of its own.
        // An agent that knows answer_ms answers with the results finished by then; one that does not ignores it. Items
        // written as rows with implied targets (Items) are passed on and stored so; an agent that does not know rows
        // writes objects (with implied targets if it knows those), which are read as well.
        URI once = URI.create(uri + "?nonce=" + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + (answerWithin.isZero() ? ""
                        : "&answer_ms=" + answerWithin.toMillis() + "&implied_targets=1&item_rows=1"));
        AgentBatch batch = batchFor(first.nodeId(), parcels);
        return SignedPost.send(client, once, codec.encode(batch), first.nodeId(),
                        keys.signingKey(first.nodeId()), timeout)
                .handle((response, error) -> {
                    if (error != null) {
                        String why = describe(error);
                        return each(parcels, a -> Delivery.unanswered(a, why));
                    }
                    return answered(parcels, batch, response);
                });
    }

    /**
     * The batch one node gets: its subtasks, each with the token that will prove its result genuine, made with that
     * node's key (so no other node can make it).
     */
    AgentBatch batchFor(String nodeId, List<Parcel> parcels) {
        String nodeKey = keys.signingKey(nodeId);
        List<AgentSubtask> subtasks = new ArrayList<>(parcels.size());
        for (Parcel p : parcels) {
            DispatchMessage m = p.message();
            TaskType type = m.type();
            String subtaskId = p.assignment().subtaskId();
            subtasks.add(new AgentSubtask(
                    subtaskId,
                    m.taskId(),
                    type,
                    type == TaskType.REFRESH || type == TaskType.PREFETCH ? m.targets() : null,
                    type == TaskType.REFRESH_DIR ? m.targets() : null,
                    type == TaskType.REFRESH_TAG ? m.targets() : null,
                    m.options(),
                    Signatures.callbackToken(nodeKey, subtaskId)));
        }
        return new AgentBatch(nodeId, callbackApi, subtasks);
    }

    private List<Delivery> answered(List<Parcel> parcels, AgentBatch batch, ContentResponse response) {
        int status = response.getStatus();
        if (status / 100 == 2) {
            BatchQueued queued = queued(response);
            Set<String> running = Set.copyOf(queued.stillRunning());
            Map<String, SubtaskResult> results = genuineResults(batch, queued.results());
            return each(parcels, a -> Delivery.accepted(a, status, running.contains(a.subtaskId()),
                    results.get(a.subtaskId())));
        }
        String body = response.getContentAsString();
        body = body == null ? "" : body.strip();
        String reason = "answered " + status
                + (body.isEmpty() ? "" : " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body));
        return each(parcels, a -> Delivery.refused(a, status, reason));
    }

    private static List<Delivery> each(List<Parcel> parcels, Function<Assignment, Delivery> outcome) {
        List<Delivery> out = new ArrayList<>(parcels.size());
        for (Parcel p : parcels) {
            out.add(outcome.apply(p.assignment()));
        }
        return out;
    }

    /** What the agent's answer says: subtasks still running, results. */
    private BatchQueued queued(ContentResponse response) {
        try {
            BatchQueued queued = codec.decode(response.getContent(), response.getHeaders().get("Content-Encoding"),
                    BatchQueued.class);
            return queued != null ? queued : NOTHING_SAID;
        } catch (CodecException e) {
            return NOTHING_SAID; // an agent that says less is taken at its 2xx: accepted
        }
    }

    private static final BatchQueued NOTHING_SAID = new BatchQueued(BatchQueued.QUEUED, 0, 0, List.of());

    /**
     * The answer's results that are for subtasks of this batch and carry the token issued for them (the one the batch
     * carried); any other is dropped (its subtask's timer sends it again), as callback-worker refuses a callback with
     * a forged token.
     */
    private static Map<String, SubtaskResult> genuineResults(AgentBatch batch, List<SubtaskResult> results) {
        if (results.isEmpty()) {
            return Map.of();
        }
        Map<String, AgentSubtask> sent = new HashMap<>();
        batch.subtasks().forEach(s -> sent.put(s.subtaskId(), s));
        Map<String, SubtaskResult> genuine = new HashMap<>();
        for (SubtaskResult r : results) {
            AgentSubtask s = r == null || r.subtaskId() == null ? null : sent.get(r.subtaskId());
            if (s != null && s.taskId().equals(r.taskId()) && r.state() != null
                    && Signatures.matches(s.callbackToken(), r.callbackToken())) {
                genuine.put(r.subtaskId(), r);
            } else {
                log.warn("node {} answered with a result that is not for its batch, or with a wrong token: {}",
                        batch.nodeId(), r == null ? null : r.subtaskId());
            }
        }
        return genuine;
    }
    private String describe(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (t instanceof ConnectException && t.getMessage() != null) {
            return t.getMessage();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Node addresses are {@code host:port} (API.md §3, node registration). */
    static URI agentUri(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("the node has no address");
        }
        try {
            URI uri = new URI("http://" + address + TASK_PATH);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("address '" + address + "' is not host:port");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("address '" + address + "' is not host:port");
        }
    }
}
