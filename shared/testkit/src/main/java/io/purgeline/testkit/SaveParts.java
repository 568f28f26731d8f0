package io.purgeline.testkit;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.SaveBatch;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import java.util.List;
import java.util.stream.Stream;

/**
 * What one save message carries, whether it came alone ({@code task.created}, {@code subtask.outcomes}) or with other
 * tasks' parts in a {@code save.batch}: for tests that read the saves queues and look for one task's part.
 */
public record SaveParts(List<TaskCreated> created, List<SubtaskOutcomes> outcomes) {
    public static SaveParts of(Codec codec, String type, String contentEncoding, byte[] body) {
        if (TaskCreated.MESSAGE_TYPE.equals(type)) {
            return new SaveParts(List.of(codec.decode(body, contentEncoding, TaskCreated.class)), List.of());
        }
        if (SubtaskOutcomes.MESSAGE_TYPE.equals(type)) {
            return new SaveParts(List.of(), List.of(codec.decode(body, contentEncoding, SubtaskOutcomes.class)));
        }
        if (SaveBatch.MESSAGE_TYPE.equals(type)) {
            SaveBatch b = codec.decode(body, contentEncoding, SaveBatch.class);
            return new SaveParts(b.created() == null ? List.of() : b.created(),
                    b.outcomes() == null ? List.of() : b.outcomes());
        }
        return new SaveParts(List.of(), List.of());
    }

    public static SaveParts of(Codec codec, Tap.Seen seen) {
        return of(codec, seen.properties().getType(), seen.contentEncoding(), seen.body());
    }

    /** The outcomes of this task's subtasks in the message, in order. */
    public List<SubtaskOutcome> outcomesOf(String taskId) {
        return outcomes.stream().filter(o -> taskId.equals(o.taskId())).flatMap(o -> o.outcomes().stream()).toList();
    }

    public Stream<String> taskIds() {
        return Stream.concat(created.stream().map(TaskCreated::taskId), outcomes.stream().map(SubtaskOutcomes::taskId));
    }
}
