package io.purgeline.saver;

import io.purgeline.contracts.Items;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskRef;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Builds the saves a test feeds the saver. */
final class Saves {
    static final Instant ACCEPTED_AT = Instant.parse("2026-03-04T05:06:07.089Z");

    private Saves() {}

    static String newTaskId() {
        return "t-" + UUID.randomUUID();
    }

    /** A task due in an hour, so that no deadline sweep ends it while a test feeds its results. */
    static TaskCreated created(String taskId, String... nodes) {
        return created(taskId, Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS), nodes);
    }

    static TaskCreated created(String taskId, Instant deadline, String... nodes) {
        return new TaskCreated(taskId, "acme", TaskType.REFRESH, List.of("https://www.example.com/a.js"),
                new TaskOptions(false, false, null, null), 5, Lane.FAST, ACCEPTED_AT, deadline,
                Arrays.stream(nodes).map(n -> new SubtaskRef(taskId + "@" + n, n, 2)).toList());
    }

    static SubtaskOutcome done(String taskId, String node) {
        return new SubtaskOutcome(taskId + "@" + node, node, SubtaskState.DONE, 1, 200, null,
                Items.of(List.of(new ItemResult("https://www.example.com/a.js", 200, 512, 4, null))),
                ACCEPTED_AT.plusMillis(100), ACCEPTED_AT.plusMillis(200));
    }

    static SubtaskOutcome failed(String taskId, String node, String error) {
        return new SubtaskOutcome(taskId + "@" + node, node, SubtaskState.FAILED, 3, 0, error,
                Items.of(List.of(new ItemResult("https://www.example.com/a.js", 0, 0, 30, error))),
                ACCEPTED_AT.plusMillis(100), ACCEPTED_AT.plusMillis(300));
    }

    static SubtaskOutcomes outcomes(String taskId, SubtaskOutcome... outcomes) {
        return new SubtaskOutcomes(taskId, List.of(outcomes));
    }
}
