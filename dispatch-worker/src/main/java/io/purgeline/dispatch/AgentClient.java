package io.purgeline.dispatch;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.BatchQueued;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.TaskType;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.SignedPost;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

/**
 * Sends one dispatch message's work to its nodes: one signed batch per node, all in flight at once over the
 * process's pooled keep-alive client, and waits for every answer. A chunk of nodes therefore costs about one agent
 * round trip, not one per node.
 */
public final class AgentClient {
    public static final String TASK_PATH = "/v1/agent/task";

    private final HttpClient client;
    private final Codec codec;
    private final AgentKeys keys;
    private final String callbackApi;
    private final Duration timeout;

    public AgentClient(HttpClient client, Codec codec, AgentKeys keys, URI callbackApi, Duration timeout) {
        this.client = client;
        this.codec = codec;
        this.keys = keys;
        this.callbackApi = callbackApi.toString();
        this.timeout = timeout;
    }

    /** One result per assignment, in the message's order; never throws for an unreachable or refusing agent. */
    public List<Delivery> deliver(DispatchMessage message) {
        List<CompletableFuture<Delivery>> inFlight = message.assignments().stream()
                .map(a -> send(message, a))
                .toList();
        return inFlight.stream().map(CompletableFuture::join).toList();
    }

    private CompletableFuture<Delivery> send(DispatchMessage message, Assignment a) {
        URI uri;
        try {
            uri = agentUri(a.address());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(Delivery.impossible(a, e.getMessage()));
        }
        // The agent refuses a token it has seen; two sends of one body within a second would sign alike (a stored
        // delivery parked twice and replayed together), so each send carries a nonce of its own.
        URI once = URI.create(uri + "?nonce=" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        return SignedPost.send(client, once, codec.encode(batchFor(message, a)), keys.accessKey(), keys.secret(),
                        timeout)
                .handle((response, error) -> error != null
                        ? Delivery.unanswered(a, describe(error))
                        : answered(a, response));
    }

    /** The batch one node gets: its subtask of the task, with the token that will prove its result genuine. */
    AgentBatch batchFor(DispatchMessage m, Assignment a) {
        TaskType type = m.type();
        return new AgentBatch(a.nodeId(), callbackApi, List.of(new AgentSubtask(
                a.subtaskId(),
                m.taskId(),
                type,
                type == TaskType.REFRESH || type == TaskType.PREFETCH ? m.targets() : null,
                type == TaskType.REFRESH_DIR ? m.targets() : null,
                type == TaskType.REFRESH_TAG ? m.targets() : null,
                m.options(),
                Signatures.callbackToken(keys.secret(), a.subtaskId()))));
    }

    private Delivery answered(Assignment a, ContentResponse response) {
        int status = response.getStatus();
        if (status / 100 == 2) {
            return Delivery.accepted(a, status, stillRunning(a, response));
        }
        String body = response.getContentAsString();
        body = body == null ? "" : body.strip();
        return Delivery.refused(a, status, "answered " + status
                + (body.isEmpty() ? "" : " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body)));
    }

    /** Whether the agent's answer names the subtask as one it already had and is still working on. */
    private boolean stillRunning(Assignment a, ContentResponse response) {
        try {
            BatchQueued queued = codec.decode(response.getContent(), response.getHeaders().get("Content-Encoding"),
                    BatchQueued.class);
            return queued != null && queued.stillRunning().contains(a.subtaskId());
        } catch (CodecException e) {
            return false; // an agent that says less is taken at its 2xx: accepted
        }
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
