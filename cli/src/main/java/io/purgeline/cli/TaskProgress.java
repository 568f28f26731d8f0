package io.purgeline.cli;

import io.purgeline.contracts.TaskStatus;
import io.purgeline.contracts.TaskStatus.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** How a task reads to a person: one line per tier while it runs, the outcome and the failed nodes once it is final. */
public final class TaskProgress {
    static final Set<String> FINAL = Set.of("completed", "failed", "expired");

    private TaskProgress() {}

    public static boolean isFinal(TaskStatus t) {
        return FINAL.contains(t.state());
    }

    /** The exit code a task's state stands for: completed and unfinished tasks 0, failed and expired 1. */
    public static int exitCode(TaskStatus t) {
        return "failed".equals(t.state()) || "expired".equals(t.state()) ? ExitCodes.TASK_FAILED : ExitCodes.OK;
    }

    /**
     * One line per tier, parents (tier 1) first: {@code tier 2: 3/5 done, 1 failed, 1 pending}. Before the saver has
     * recorded any node, one line for the whole task.
     */
    public static List<String> tierLines(TaskStatus t) {
        if (t.nodes() == null || t.nodes().isEmpty()) {
            return List.of("all tiers: " + counts(t.total(), t.done(), t.failed(), t.expired()));
        }
        Map<Integer, int[]> byTier = new TreeMap<>();
        for (NodeStatus n : t.nodes()) {
            int[] c = byTier.computeIfAbsent(n.tier(), k -> new int[4]);
            c[0]++;
            switch (n.state()) {
                case "done" -> c[1]++;
                case "failed" -> c[2]++;
                case "expired" -> c[3]++;
                default -> { }
            }
        }
        List<String> lines = new ArrayList<>();
        byTier.forEach((tier, c) -> lines.add("tier " + tier + ": " + counts(c[0], c[1], c[2], c[3])));
        return lines;
    }

    private static String counts(int total, int done, int failed, int expired) {
        StringBuilder s = new StringBuilder().append(done).append('/').append(total).append(" done");
        if (failed > 0) {
            s.append(", ").append(failed).append(" failed");
        }
        if (expired > 0) {
            s.append(", ").append(expired).append(" expired");
        }
        int pending = total - done - failed - expired;
        if (pending > 0) {
            s.append(", ").append(pending).append(" pending");
        }
        return s.toString();
    }

    /** {@code task t-1 completed: 5/5 done}, or the failure with every node that did not finish and why. */
    public static List<String> outcome(TaskStatus t) {
        List<String> lines = new ArrayList<>();
        lines.add("task " + t.taskId() + " " + t.state() + ": " + counts(t.total(), t.done(), t.failed(),
                t.expired()));
        if (t.nodes() != null) {
            for (NodeStatus n : t.nodes()) {
                if ("failed".equals(n.state()) || "expired".equals(n.state())) {
                    lines.add("  " + n.nodeId() + " (tier " + n.tier() + ") " + n.state() + " after " + n.attempts()
                            + " attempt(s): " + (n.lastError() == null ? "no reason recorded" : n.lastError()));
                }
            }
        }
        return lines;
    }
}
