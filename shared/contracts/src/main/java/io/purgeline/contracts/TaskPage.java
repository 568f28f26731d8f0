package io.purgeline.contracts;

import java.util.List;

/**
 * Body of {@code GET /v1/tasks}: recent tasks, newest first, without their nodes; {@code next} is the cursor of the
 * following page ({@code before=…}), absent on the last page.
 */
public record TaskPage(List<TaskStatus> tasks, String next) {}
