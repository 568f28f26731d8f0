package io.purgeline.ingest;

import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.util.List;

/**
 * A submission that passed {@link TaskValidator}: every field present, defaults filled in, duplicate targets dropped.
 *
 * @param targets the URLs, directory prefixes or tags, whichever the type asks for, in submission order
 * @param scope   with empty restrictions turned into nulls, so "no restriction" has one spelling
 */
public record ValidTask(
        String taskId,
        String apiId,
        TaskType type,
        List<String> targets,
        Scope scope,
        int priority,
        int deadlineS,
        TaskOptions options) {

    public ValidTask {
        targets = List.copyOf(targets);
    }
}
