package io.purgeline.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Save message: a task was accepted with these subtasks. Routed on the saves exchange by task id, so the saver sees it
 * before the task's results (it is confirmed before any dispatch is published).
 */
public record TaskCreated(
        String taskId,
        String apiId,
        TaskType type,
        List<String> targets,
        TaskOptions options,
        int priority,
        Lane lane,
        Instant acceptedAt,
        Instant deadlineAt,
        List<SubtaskRef> subtasks) {

    public static final String MESSAGE_TYPE = "task.created";
}
