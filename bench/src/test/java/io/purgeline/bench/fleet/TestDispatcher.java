package io.purgeline.bench.fleet;

import io.purgeline.agent.TaskEndpoint;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

/** The dispatcher's side of the agent link: signed one-subtask batches, as dispatch-worker sends them. */
final class TestDispatcher implements AutoCloseable {
    private final HttpClient client;
    private final AgentKeys keys;
    private final String callbackApi;
    private final Codec codec = Codec.standard();

    private TestDispatcher(HttpClient client, AgentKeys keys, String callbackApi) {
        this.client = client;
        this.keys = keys;
        this.callbackApi = callbackApi;
    }

    static TestDispatcher start(AgentKeys keys, String callbackApi) throws Exception {
        return new TestDispatcher(SignedPost.startClient("test-dispatcher", 4), keys, callbackApi);
    }

    /** Sends the node its subtask of a one-URL refresh task; completes with the agent's answer. */
    CompletableFuture<ContentResponse> refresh(FleetNode node, String taskId) {
        String subtaskId = Ids.subtaskId(taskId, node.nodeId());
        AgentBatch batch = new AgentBatch(node.nodeId(), callbackApi, List.of(new AgentSubtask(subtaskId, taskId,
                TaskType.REFRESH, List.of("http://www.example.com/" + taskId + ".js"), null, null, TaskOptions.NONE,
                Signatures.callbackToken(keys.signingKey(node.nodeId()), subtaskId))));
        return SignedPost.send(client, URI.create("http://" + node.address() + TaskEndpoint.PATH),
                codec.encode(batch), node.nodeId(), keys.signingKey(node.nodeId()), Duration.ofSeconds(5));
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
