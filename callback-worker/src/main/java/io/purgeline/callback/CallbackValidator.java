package io.purgeline.callback;

import io.purgeline.contracts.Ids;
import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.service.HttpError;

/**
 * Checks an agent's callback body before anything is trusted or published; the first problem answers 400 with a
 * message that names the field and the result it is in.
 */
final class CallbackValidator {
    private CallbackValidator() {}

    static void check(AgentCallback callback) {
        if (!Ids.isNodeId(callback.nodeId())) {
            throw HttpError.badRequest("node_id is missing or not a valid node id (" + Ids.NODE_ID + "): '"
                    + callback.nodeId() + "'");
        }
        if (callback.results() == null || callback.results().isEmpty()) {
            throw HttpError.badRequest("results is missing or empty; a callback carries at least one result");
        }
        for (int i = 0; i < callback.results().size(); i++) {
            check(callback.nodeId(), i, callback.results().get(i));
        }
    }

    private static void check(String nodeId, int index, SubtaskResult r) {
        String where = "results[" + index + "]";
        if (r == null) {
            throw HttpError.badRequest(where + " is null");
        }
        if (!Ids.isTaskId(r.taskId())) {
            throw HttpError.badRequest(where + ".task_id is missing or not a valid task id: '" + r.taskId() + "'");
        }
        if (r.subtaskId() == null || r.subtaskId().isBlank()) {
            throw HttpError.badRequest(where + ".subtask_id is missing");
        }
        String expected = Ids.subtaskId(r.taskId(), nodeId);
        if (!expected.equals(r.subtaskId())) {
            throw HttpError.badRequest(where + ".subtask_id '" + r.subtaskId() + "' is not the subtask of task "
                    + r.taskId() + " on node " + nodeId + " (expected '" + expected + "')");
        }
        if (r.callbackToken() == null || r.callbackToken().isBlank()) {
            throw HttpError.badRequest(where + ".callback_token is missing for subtask " + r.subtaskId());
        }
        if (r.state() != SubtaskState.DONE && r.state() != SubtaskState.FAILED) {
            throw HttpError.badRequest(where + ".state of subtask " + r.subtaskId()
                    + " is missing or invalid; it must be done or failed");
        }
        if (r.items() != null && r.items().firstUntargeted() >= 0) {
            throw HttpError.badRequest(where + ".items[" + r.items().firstUntargeted() + "] of subtask "
                    + r.subtaskId() + " is null or has no target");
        }
    }
}
