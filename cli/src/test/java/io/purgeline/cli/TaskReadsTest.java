package io.purgeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.contracts.TaskStatus.NodeStatus;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The status API pages a task's nodes; the command line reads every page before it counts them. */
class TaskReadsTest {
    private static final Codec JSON = new Codec(-1);

    @Test
    void everyPageOfNodesIsReadAndCounted() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpServer ingest = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ingest.createContext("/v1/tasks/t-1", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            asked.add(query);
            TaskStatus page = query.contains("nodes_after=2%3Aedge-b")
                    ? status(List.of(node("edge-c", 2, "failed")), null)
                    : status(List.of(node("edge-a", 1, "done"), node("edge-b", 2, "done")), "2:edge-b");
            byte[] body = JSON.toJson(page).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        ingest.start();
        try {
            ApiClient client = new ApiClient("http://127.0.0.1:" + ingest.getAddress().getPort(), "ingest-worker",
                    "PURGELINE_INGEST_URL");

            TaskStatus all = TaskReads.withAllNodes(client, "t-1");

            assertThat(all.nodes()).extracting(NodeStatus::nodeId).containsExactly("edge-a", "edge-b", "edge-c");
            assertThat(TaskProgress.tierLines(all)).containsExactly("tier 1: 1/1 done", "tier 2: 1/2 done, 1 failed");
            assertThat(asked).hasSize(2).allSatisfy(q -> assertThat(q).contains("items_limit=0"));
        } finally {
            ingest.stop(0);
        }
    }

    private static TaskStatus status(List<NodeStatus> nodes, String next) {
        return new TaskStatus("t-1", "cli", "refresh", "failed", 3, 2, 1, 0, List.of("https://a.example/x"), null,
                null, null, nodes, next);
    }

    private static NodeStatus node(String id, int tier, String state) {
        return new NodeStatus(id, "t-1@" + id, tier, state, 1, 200, null, null, null, List.of(), 1);
    }
}
