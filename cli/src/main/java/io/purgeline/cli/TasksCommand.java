package io.purgeline.cli;

import io.purgeline.contracts.TaskPage;
import io.purgeline.contracts.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = "Recent tasks, newest first, as recorded by the saver (GET /v1/tasks).")
final class TasksCommand extends ApiCommand {
    @Option(names = "--api-id", description = "only this customer's tasks")
    String apiId;

    @Option(names = "--state", description = "only tasks in this state: accepted, running, completed, failed, expired")
    String state;

    @Option(names = "--since", paramLabel = "TIME", description = "only tasks accepted at or after this RFC 3339 time")
    String since;

    @Option(names = "--limit", defaultValue = "20", description = "tasks per page, 1-200 (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--before", paramLabel = "CURSOR", description = "the page after the one that printed this cursor")
    String before;

    @Override
    public Integer call() {
        List<String> query = new ArrayList<>();
        add(query, "api_id", apiId);
        add(query, "state", state);
        add(query, "since", since);
        add(query, "before", before);
        add(query, "limit", Integer.toString(limit));
        ApiClient.Reply reply = common.ingest().get("/v1/tasks?" + String.join("&", query));
        TaskPage page = reply.as(TaskPage.class);
        if (common.json) {
            common.printRaw(reply.body());
            return ExitCodes.OK;
        }
        if (page.tasks().isEmpty()) {
            common.println("no tasks");
            return ExitCodes.OK;
        }
        common.println(String.format("%-40s %-10s %-12s %-12s %-18s %s", "TASK_ID", "STATE", "DONE/TOTAL", "TYPE",
                "API_ID", "ACCEPTED"));
        for (TaskStatus t : page.tasks()) {
            common.println(String.format("%-40s %-10s %-12s %-12s %-18s %s", t.taskId(), t.state(),
                    t.done() + "/" + t.total() + (t.failed() > 0 ? " (" + t.failed() + " failed)" : ""), t.type(),
                    t.apiId(), t.acceptedAt()));
        }
        if (page.next() != null) {
            common.println("next page: the same command with --before " + page.next());
        }
        return ExitCodes.OK;
    }

    private static void add(List<String> query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + Paths.segment(value));
        }
    }
}
