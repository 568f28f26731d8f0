package io.purgeline.bench.perf;

import io.purgeline.agent.TaskEndpoint;
import io.purgeline.bench.fleet.FleetNode;
import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Ids;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.SignedPost;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.HttpClient;

/**
 * The floor: a bare Java fan-out over the same fleet purgeline drives. One round is one one-URL task: a signed batch
 * POST to every node at once (as dispatch-worker would send it), then every node's result back to a {@link
 * ResultSink}. Nothing is durable, nothing is retried: what this hardware allows before any promise is kept.
 */
final class BareFanout implements AutoCloseable {
    private static final Duration ANSWER = Duration.ofSeconds(10);

    private final HttpClient client;
    private final ResultSink sink;
    private final AgentKeys keys;
    private final Codec codec = Codec.standard();
    private int round;

    private BareFanout(HttpClient client, ResultSink sink, AgentKeys keys) {
        this.client = client;
        this.sink = sink;
        this.keys = keys;
    }

    static BareFanout start(ResultSink sink, AgentKeys keys) throws Exception {
        // Several rounds may be in flight at once, so a few connections per node.
        return new BareFanout(SignedPost.startClient("bench-fanout", 4), sink, keys);
    }

    /** Sends one round to every node; completes with the nanoseconds from its first send to its last result. */
    CompletableFuture<Long> round(List<FleetNode> nodes) {
        String taskId = "floor-" + Integer.toString(nextRound());
        long start = System.nanoTime();
        CompletableFuture<Long> done = sink.expect(taskId, nodes.size());
        List<CompletableFuture<?>> answers = new ArrayList<>(nodes.size());
        String callbackApi = sink.baseUrl() + ResultSink.CALLBACK_PATH;
        for (FleetNode node : nodes) {
            String subtaskId = Ids.subtaskId(taskId, node.nodeId());
            AgentBatch batch = new AgentBatch(node.nodeId(), callbackApi, List.of(new AgentSubtask(subtaskId, taskId,
                    TaskType.REFRESH, List.of("http://www.example.com/floor/" + taskId + ".js"), null, null,
                    TaskOptions.NONE, Signatures.callbackToken(keys.signingKey(node.nodeId()), subtaskId))));
            answers.add(SignedPost.send(client, URI.create("http://" + node.address() + TaskEndpoint.PATH),
                    codec.encode(batch), node.nodeId(), keys.signingKey(node.nodeId()), ANSWER).thenAccept(r -> {
                        if (r.getStatus() != 202) {
                            throw new IllegalStateException(node.nodeId() + " answered " + r.getStatus() + ": "
                                    + r.getContentAsString());
                        }
                    }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenCompose(v -> done).thenApply(last -> last - start);
    }

    private synchronized int nextRound() {
        return ++round;
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
