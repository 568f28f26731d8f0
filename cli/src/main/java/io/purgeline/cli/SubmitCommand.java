package io.purgeline.cli;

import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TaskAccepted;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.contracts.TaskType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Submit a task to ingest-worker (POST /v1/tasks).",
                "With --wait, follow it until it is final: a progress line per tier whenever it changes, then the "
                        + "outcome; the exit code tells it (0 completed, 1 failed or expired, 6 timed out)."})
final class SubmitCommand extends ApiCommand {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TYPE", description = "refresh, refresh_dir, refresh_tag or prefetch")
    String type;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TARGET",
            description = "URLs (refresh, prefetch), directory URLs (refresh_dir) or tags (refresh_tag)")
    List<String> targets;

    @Option(names = "--api-id", defaultValue = "${env:PURGELINE_API_ID}", description = "the customer the task is "
            + "for; leave it out when signing as a customer (it is the signer), an operator names one; default "
            + "$PURGELINE_API_ID")
    String apiId;

    @Option(names = "--task-id", description = "your own task id (default: ingest makes one)")
    String taskId;

    @Option(names = "--priority", description = "0-9; 0-4 take the fast lane")
    Integer priority;

    @Option(names = "--deadline", paramLabel = "SECONDS", description = "how long the task may take")
    Integer deadline;

    @Option(names = "--region", paramLabel = "REGION", description = "only nodes of this region (repeatable)")
    List<String> regions;

    @Option(names = "--tier", paramLabel = "TIER", description = "only nodes of this tier (repeatable)")
    List<Integer> tiers;

    @Option(names = "--node", paramLabel = "NODE_ID", description = "only this node (repeatable)")
    List<String> nodes;

    @Option(names = "--wait", description = "follow the task until it is final")
    boolean await;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "with --wait: give up after this long (exit 6); 0 waits for the task's own deadline")
    long timeoutSeconds;

    @Option(names = "--interval", paramLabel = "MILLIS", defaultValue = "500", hidden = true)
    long intervalMillis;

    @Override
    public Integer call() throws InterruptedException {
        TaskType kind = TaskType.fromWire(type).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown type '" + type + "' (refresh, refresh_dir, refresh_tag, prefetch)"));
        List<String> urls = kind == TaskType.REFRESH || kind == TaskType.PREFETCH ? targets : null;
        List<String> dirs = kind == TaskType.REFRESH_DIR ? targets : null;
        List<String> tags = kind == TaskType.REFRESH_TAG ? targets : null;
        Scope scope = regions == null && tiers == null && nodes == null ? null : new Scope(regions, tiers, nodes);
        TaskSubmission submission = new TaskSubmission(taskId, apiId, kind.wire(), urls, dirs, tags, scope, priority,
                deadline, null);

        ApiClient ingest = common.ingest();
        TaskAccepted accepted = ingest.post("/v1/tasks", submission).as(TaskAccepted.class);
        if (!await) {
            if (common.json) {
                common.printJson(accepted);
            } else {
                common.println("accepted task " + accepted.taskId() + " on " + accepted.total() + " node(s); "
                        + "follow it with: purgeline status " + accepted.taskId());
            }
            return ExitCodes.OK;
        }
        if (!common.json) {
            common.println("accepted task " + accepted.taskId() + " on " + accepted.total() + " node(s)");
        }
        return follow(ingest, accepted.taskId());
    }

    /** Polls the task's status until it is final, printing each tier's line when it changes. */
    private int follow(ApiClient ingest, String id) throws InterruptedException {
        long giveUpAt = timeoutSeconds > 0 ? System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos() : 0;
        Map<String, String> shown = new HashMap<>();
        while (true) {
            TaskStatus status = TaskReads.withAllNodes(ingest, id);
            if (!common.json) {
                for (String line : changed(TaskProgress.tierLines(status), shown)) {
                    common.println(line);
                }
            }
            if (TaskProgress.isFinal(status)) {
                if (common.json) {
                    common.printJson(status);
                } else {
                    TaskProgress.outcome(status).forEach(common::println);
                }
                return TaskProgress.exitCode(status);
            }
            if (giveUpAt != 0 && System.nanoTime() - giveUpAt > 0) {
                throw new CliException(ExitCodes.TIMED_OUT, "timed_out", "task " + id + " is still " + status.state()
                        + " after " + timeoutSeconds + " s; follow it with: purgeline status " + id);
            }
            Thread.sleep(intervalMillis);
        }
    }

    /** The lines whose tier shows something new since it was last printed. */
    private static List<String> changed(List<String> lines, Map<String, String> shown) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String tier = line.substring(0, line.indexOf(':'));
            if (!line.equals(shown.put(tier, line))) {
                out.add(line);
            }
        }
        return out;
    }
}
