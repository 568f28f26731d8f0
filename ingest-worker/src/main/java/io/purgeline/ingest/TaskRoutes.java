package io.purgeline.ingest;

import io.purgeline.contracts.Ids;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskAccepted;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.runtime.BrokerException;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.WebServer;
import org.jdbi.v3.core.JdbiException;
import redis.clients.jedis.exceptions.JedisException;

/** {@code POST /v1/tasks} and {@code GET /v1/tasks/{task_id}} (API.md §3). */
public final class TaskRoutes {
    private final TaskIntake intake;
    private final TaskStatusReader status;
    private final Codec codec;

    public TaskRoutes(TaskIntake intake, TaskStatusReader status, Codec codec) {
        this.intake = intake;
        this.status = status;
        this.codec = codec;
    }

    public WebServer.Builder install(WebServer.Builder http) {
        return http
                .route("POST", "/v1/tasks", this::submit)
                .route("GET", "/v1/tasks/{task_id}", this::get);
    }

    private HttpReply submit(HttpCall call) {
        TaskSubmission submission = call.bodyAs(codec, TaskSubmission.class);
        TaskIntake.Result result;
        try {
            result = intake.accept(submission);
        } catch (BrokerException | JedisException | JdbiException e) {
            throw new HttpError(503, "unavailable", "the task could not be handed on (" + e.getMessage()
                    + "); nothing was accepted, submit it again");
        }
        if (result instanceof TaskIntake.Accepted a) {
            return HttpReply.json(202, new TaskAccepted(a.taskId(), "accepted", a.total()));
        }
        if (result instanceof TaskIntake.Rejected r) {
            return HttpReply.error(400, "invalid", r.reason());
        }
        String taskId = ((TaskIntake.Duplicate) result).taskId();
        return HttpReply.error(409, "duplicate",
                "task '" + taskId + "' was already accepted; GET /v1/tasks/" + taskId + " for its state");
    }

    private HttpReply get(HttpCall call) {
        String taskId = call.pathParam("task_id");
        if (!Ids.isTaskId(taskId)) {
            throw HttpError.badRequest(Identifiers.quote(taskId)
                    + " is not a valid task id (1 to 64 of A-Z a-z 0-9 . _ : -)");
        }
        return status.read(taskId)
                .map(s -> HttpReply.json(200, s))
                .orElseThrow(() -> HttpError.notFound("no task '" + taskId + "'"));
    }
}
