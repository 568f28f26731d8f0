package io.purgeline.ingest;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.runtime.RedisKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.RedisClient;

/**
 * Answers "where is my task": the saver's rows for the task and its nodes, with the live counters from Redis laid
 * over them (Redis is ahead of the batched row writes). Between acceptance and the saver's first write there is no
 * row yet; the accepted marker answers then.
 */
public final class TaskStatusReader {
    private final Jdbi jdbi;
    private final RedisClient redis;
    private final RedisKeys keys;
    private final AcceptedMarkers markers;

    public TaskStatusReader(Jdbi jdbi, RedisClient redis, RedisKeys keys, AcceptedMarkers markers) {
        this.jdbi = jdbi;
        this.redis = redis;
        this.keys = keys;
        this.markers = markers;
    }

    /**
     * Which part of a task's nodes to read: the nodes after a cursor, in (tier, node id) order, and of each a page of
     * its per-target results. A task may have thousands of nodes with thousands of results each; one read never
     * loads more than {@link #MAX_NODES} nodes and {@link #MAX_ITEMS} results of each.
     *
     * @param afterTier  with {@code afterNode}, the last node of the previous page; tier 0 and "" for the first
     */
    public record Page(int afterTier, String afterNode, int nodes, int itemsOffset, int items) {
        public static final int DEFAULT_NODES = 100;
        public static final int MAX_NODES = 1000;
        public static final int DEFAULT_ITEMS = 100;
        public static final int MAX_ITEMS = 1000;
        public static final Page FIRST = new Page(0, "", DEFAULT_NODES, 0, DEFAULT_ITEMS);

        /** The cursor a client passes back as {@code nodes_after}: {@code <tier>:<node_id>}. */
        static String cursor(TaskStatus.NodeStatus last) {
            return last.tier() + ":" + last.nodeId();
        }

        /** JSON path of this page's items within a node's stored array. */
        String itemsPath() {
            // An index past any array selects nothing: MariaDB has no empty range.
            return items == 0 ? "$[" + Integer.MAX_VALUE + "]"
                    : "$[" + itemsOffset + " to " + ((long) itemsOffset + items - 1) + "]";
        }
    }

    /** Empty when the task is unknown (never accepted, or so old that its marker expired and it has no row). */
    public Optional<TaskStatus> read(String taskId, Page page) {
        Optional<TaskStatus> base = jdbi.withExtension(TaskRows.class, rows -> rows.task(taskId)
                .map(t -> withNodes(t, rows.subtasks(taskId, page.afterTier(), page.afterNode(), page.nodes() + 1,
                        page.itemsPath()), page)));
        if (base.isEmpty()) {
            OptionalInt total = markers.total(taskId);
            if (total.isEmpty()) {
                return Optional.empty();
            }
            base = Optional.of(new TaskStatus(taskId, null, null, "accepted", total.getAsInt(), 0, 0, 0, null, null,
                    null, null, List.of(), null));
        }
        return Optional.of(overlay(base.get(), redis.hgetAll(keys.task(taskId))));
    }

    /** {@code nodes} holds one more than the page when there are more: then the page ends with a cursor. */
    private static TaskStatus withNodes(TaskStatus t, List<TaskStatus.NodeStatus> nodes, Page asked) {
        boolean more = nodes.size() > asked.nodes();
        List<TaskStatus.NodeStatus> page = more ? nodes.subList(0, asked.nodes()) : nodes;
        List<TaskStatus.NodeStatus> targeted = new ArrayList<>(page.size());
        for (TaskStatus.NodeStatus n : page) {
            targeted.add(withTargets(n, t.targets(), asked.itemsOffset()));
        }
        return new TaskStatus(t.taskId(), t.apiId(), t.type(), t.state(), t.total(), t.done(), t.failed(),
                t.expired(), t.targets(), t.acceptedAt(), t.deadlineAt(), t.finishedAt(), List.copyOf(targeted),
                more ? Page.cursor(page.get(page.size() - 1)) : null);
    }

    /**
     * A node's items with their targets: an item stored without one stands for the task's target at its index
     * (agents leave out what their position names, see {@code Items}); {@code offset} is the page's first index.
     */
    private static TaskStatus.NodeStatus withTargets(TaskStatus.NodeStatus n, List<String> targets, int offset) {
        List<ItemResult> items = n.items();
        List<ItemResult> named = null;
        for (int i = 0; i < items.size(); i++) {
            ItemResult item = items.get(i);
            long index = (long) offset + i;
            if (item != null && item.target() == null && index < targets.size()) {
                if (named == null) {
                    named = new ArrayList<>(items);
                }
                named.set(i, new ItemResult(targets.get((int) index), item.httpCode(), item.bytes(),
                        item.elapsedMs(), item.error(), item.verification()));
            }
        }
        return named == null ? n : new TaskStatus.NodeStatus(n.nodeId(), n.subtaskId(), n.tier(), n.state(),
                n.attempts(), n.httpCode(), n.lastError(), n.startedAt(), n.finishedAt(), named, n.itemsTotal());
    }

    /** Fields of the live hash replace the stored ones; fields it lacks keep their stored values. */
    private static TaskStatus overlay(TaskStatus t, Map<String, String> live) {
        if (live.isEmpty()) {
            return t;
        }
        return new TaskStatus(t.taskId(), t.apiId(), t.type(), live.getOrDefault("state", t.state()),
                count(live, "total", t.total()), count(live, "done", t.done()), count(live, "failed", t.failed()),
                count(live, "expired", t.expired()), t.targets(), t.acceptedAt(), t.deadlineAt(), t.finishedAt(),
                t.nodes(), t.nextNodesAfter());
    }

    private static int count(Map<String, String> live, String field, int stored) {
        String v = live.get(field);
        if (v == null) {
            return stored;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("live counter " + field + " holds '" + v + "', not a number", e);
        }
    }
}
