package io.purgeline.ingest;

import io.purgeline.contracts.Ids;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.Node;
import io.purgeline.contracts.Scope;
import io.purgeline.contracts.SubtaskRef;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans a valid task onto the registered nodes: which nodes (the scope), one subtask per node, which lane, and how the
 * nodes are grouped into dispatch messages. Pure: the same inputs give the same plan.
 */
public final class TaskExpander {
    /**
     * Nodes per dispatch message. The broker (~10,000 persistent msg/s with confirms here) is the narrow part; 50 nodes
     * per message moves ~500,000 node-deliveries/s through it while a message of 100 URLs stays a few KiB.
     */
    public static final int DEFAULT_CHUNK = 50;
    /** Refreshes of at most this many URLs take the fast lane; bigger ones would hold up the small ones there. */
    public static final int FAST_LANE_MAX_URLS = 100;

    /**
     * States that receive work. Offline nodes are included because dispatch parks their work until they return;
     * drained and removed nodes are out of rotation on purpose.
     */
    private static final Set<String> TARGETABLE = Set.of("online", "offline");

    private static final Comparator<Node> TIER_THEN_ID =
            Comparator.comparingInt(Node::tier).thenComparing(Node::nodeId);

    private final int chunk;

    /** @param chunk most nodes per dispatch message */
    public TaskExpander(int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        }
        this.chunk = chunk;
    }

    /** @throws InvalidInputException when the scope names an unknown node or no registered node matches it */
    public Expansion expand(ValidTask task, List<Node> registered, Instant acceptedAt) {
        List<Node> targets = select(task.scope(), registered);
        Lane lane = laneOf(task);
        Instant deadlineAt = acceptedAt.plusSeconds(task.deadlineS());
        List<SubtaskRef> subtasks = new ArrayList<>(targets.size());
        List<Assignment> assignments = new ArrayList<>(targets.size());
        for (Node n : targets) {
            String subtaskId = Ids.subtaskId(task.taskId(), n.nodeId());
            subtasks.add(new SubtaskRef(subtaskId, n.nodeId(), n.tier()));
            assignments.add(new Assignment(subtaskId, n.nodeId(), n.address(), 1));
        }
        List<DispatchMessage> dispatches = new ArrayList<>();
        for (int from = 0; from < assignments.size(); from += chunk) {
            List<Assignment> part = List.copyOf(assignments.subList(from, Math.min(from + chunk, assignments.size())));
            dispatches.add(new DispatchMessage(task.taskId(), task.apiId(), task.type(), task.targets(),
                    task.options(), task.priority(), lane, deadlineAt, part));
        }
        TaskCreated created = new TaskCreated(task.taskId(), task.apiId(), task.type(), task.targets(),
                task.options(), task.priority(), lane, acceptedAt, deadlineAt, List.copyOf(subtasks));
        return new Expansion(created, dispatches);
    }

    static Lane laneOf(ValidTask task) {
        return task.type() == TaskType.REFRESH && task.targets().size() <= FAST_LANE_MAX_URLS ? Lane.FAST : Lane.SLOW;
    }

    /** The targetable nodes that satisfy every restriction of the scope, ordered by tier then id. */
    private static List<Node> select(Scope scope, List<Node> registered) {
        if (scope.nodes() != null) {
            Set<String> known = registered.stream().map(Node::nodeId).collect(Collectors.toSet());
            for (String id : scope.nodes()) {
                if (!known.contains(id)) {
                    throw new InvalidInputException("scope.nodes names node '" + id + "', which is not registered");
                }
            }
        }
        List<Node> matching = registered.stream()
                .filter(n -> TARGETABLE.contains(n.state()))
                .filter(n -> scope.regions() == null || scope.regions().contains(n.region()))
                .filter(n -> scope.tiers() == null || scope.tiers().contains(n.tier()))
                .filter(n -> scope.nodes() == null || scope.nodes().contains(n.nodeId()))
                .sorted(TIER_THEN_ID)
                .toList();
        if (matching.isEmpty()) {
            throw new InvalidInputException("no registered node matches the scope");
        }
        return matching;
    }
}
