package io.purgeline.callback;

import java.util.regex.Pattern;

/** The id conventions every module agrees on (node ids, task ids, {@code subtask_id = task_id@node_id}). */
final class Ids {
    static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private Ids() {}

    static String subtaskId(String taskId, String nodeId) {
        return taskId + "@" + nodeId;
    }

    static boolean isNodeId(String id) {
        return id != null && NODE_ID.matcher(id).matches();
    }

    static boolean isTaskId(String id) {
        return id != null && TASK_ID.matcher(id).matches();
    }
}
