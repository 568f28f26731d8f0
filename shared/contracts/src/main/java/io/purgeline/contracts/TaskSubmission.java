package io.purgeline.contracts;

import java.util.List;

/**
 * A task as upstream submits it (API.md §1), over AMQP or HTTP. Nothing here is trusted: the type stays a string and
 * the lists may hold nulls, so the validator can say exactly what is wrong instead of the decoder failing vaguely.
 */
public record TaskSubmission(
        String taskId,
        String apiId,
        String type,
        List<String> urls,
        List<String> dirs,
        List<String> tags,
        Scope scope,
        Integer priority,
        Integer deadlineS,
        TaskOptions options) {

    public TaskSubmission withTaskId(String id) {
        return new TaskSubmission(id, apiId, type, urls, dirs, tags, scope, priority, deadlineS, options);
    }
}
