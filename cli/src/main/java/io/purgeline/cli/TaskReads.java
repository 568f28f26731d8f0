package io.purgeline.cli;

import io.purgeline.contracts.TaskStatus;
import io.purgeline.contracts.TaskStatus.NodeStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A task with every one of its nodes: the status API answers a page of nodes at a time (docs/contracts.md), and a
 * line per tier counts them all. Nodes only, without their per-target results, a thousand per request.
 */
final class TaskReads {
    private static final String PAGE = "nodes_limit=1000&items_limit=0";

    private TaskReads() {}

    static TaskStatus withAllNodes(ApiClient ingest, String taskId) {
        String path = "/v1/tasks/" + Paths.segment(taskId) + "?" + PAGE;
        TaskStatus first = ingest.get(path).as(TaskStatus.class);
        if (first.nextNodesAfter() == null) {
            return first;
        }
        List<NodeStatus> nodes = new ArrayList<>(first.nodes());
        String after = first.nextNodesAfter();
        while (after != null) {
            TaskStatus page = ingest.get(path + "&nodes_after=" + URLEncoder.encode(after, StandardCharsets.UTF_8))
                    .as(TaskStatus.class);
            nodes.addAll(page.nodes());
            after = page.nextNodesAfter();
        }
        return new TaskStatus(first.taskId(), first.apiId(), first.type(), first.state(), first.total(),
                first.done(), first.failed(), first.expired(), first.targets(), first.acceptedAt(),
                first.deadlineAt(), first.finishedAt(), nodes, null);
    }
}
