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

    /** Whether {@code subtaskId} is {@link #subtaskId}{@code (taskId, nodeId)}, without building that string. */
    public static boolean isSubtaskIdOf(String subtaskId, String taskId, String nodeId) {
        return subtaskId != null && taskId != null && nodeId != null
                && subtaskId.length() == taskId.length() + 1 + nodeId.length()
                && subtaskId.startsWith(taskId) && subtaskId.charAt(taskId.length()) == '@'
                && subtaskId.endsWith(nodeId);
    }

    /** Whether {@code id} matches {@link #NODE_ID}. */
    public static boolean isNodeId(String id) {
        return matches(id, false);
    }

    /** Whether {@code id} matches {@link #TASK_ID}. */
    public static boolean isTaskId(String id) {
        return matches(id, true);
    }

    /**
     * The patterns' test written out: ids are checked on every save and result, and the regular expression engine
     * was a fifth of the saver's time.
     */
    private static boolean matches(String id, boolean colonAllowed) {
        if (id == null || id.isEmpty() || id.length() > 64) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == '-' || (colonAllowed && c == ':');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
