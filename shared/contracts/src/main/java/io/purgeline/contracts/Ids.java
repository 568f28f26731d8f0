package io.purgeline.contracts;

import java.util.regex.Pattern;

/** The identifier conventions every module agrees on, and the one way to name a subtask. */
public final class Ids {
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    public static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    public static final Pattern API_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Ids() {}

    /** {@code task_id@node_id}: deterministic, so a republished expansion names the same subtasks. */
    public static String subtaskId(String taskId, String nodeId) {
        return taskId + "@" + nodeId;
    }

    public static boolean isNodeId(String id) {
        return id != null && NODE_ID.matcher(id).matches();
    }

    public static boolean isTaskId(String id) {
        return id != null && TASK_ID.matcher(id).matches();
    }
}
