package io.purgeline.cli;

import io.purgeline.contracts.TaskStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show a task: its state, a line per tier, and every node that failed and why "
                + "(GET /v1/tasks/{id}, every page of nodes).", "Exit code 0 while running or completed, 1 failed or expired, 3 unknown."})
final class StatusCommand extends ApiCommand {
    @Parameters(paramLabel = "TASK_ID")
    String taskId;

    @Override
    public Integer call() {
        TaskStatus status = TaskReads.withAllNodes(common.ingest(), taskId);
        if (common.json) {
            common.printJson(status);
        } else {
            common.println("task " + status.taskId() + " (" + status.type() + ", " + status.apiId() + ") "
                    + status.state() + (status.acceptedAt() == null ? "" : ", accepted " + status.acceptedAt())
                    + (status.finishedAt() == null ? "" : ", finished " + status.finishedAt()));
            TaskProgress.tierLines(status).forEach(l -> common.println("  " + l));
            if (TaskProgress.isFinal(status)) {
                TaskProgress.outcome(status).stream().skip(1).forEach(common::println);
            }
        }
        return TaskProgress.exitCode(status);
    }
}
