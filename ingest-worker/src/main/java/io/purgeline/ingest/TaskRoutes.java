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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jdbi.v3.core.JdbiException;
import redis.clients.jedis.exceptions.JedisException;

/** {@code POST /v1/tasks}, {@code GET /v1/tasks} and {@code GET /v1/tasks/{task_id}} (docs/contracts.md). */
public final class TaskRoutes {
    private final SubmissionBatcher submissions;
    private final TaskStatusReader status;
    private final TaskListing listing;
    private final Codec codec;

    TaskRoutes(SubmissionBatcher submissions, TaskStatusReader status, TaskListing listing, Codec codec) {
        this.submissions = submissions;
        this.status = status;
        this.listing = listing;
        this.codec = codec;
    }

    public WebServer.Builder install(WebServer.Builder http) {
        return http
                .routeAsync("POST", "/v1/tasks", this::submit)
                .route("GET", "/v1/tasks", this::list)
                .route("GET", "/v1/tasks/{task_id}", this::get);
    }

    /** Accepted together with the submissions that arrive meanwhile; no server thread waits for the confirm. */
    private CompletionStage<HttpReply> submit(HttpCall call) {
        TaskSubmission submission = call.bodyAs(codec, TaskSubmission.class);
        return submissions.submit(submission).handle((result, error) -> {
            if (error != null) {
                Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                        : error;
                if (e instanceof BrokerException || e instanceof JedisException || e instanceof JdbiException) {
                    throw new HttpError(503, "unavailable", "the task could not be handed on (" + e.getMessage()
                            + "); nothing was accepted, submit it again");
                }
                throw new CompletionException(e);
            }
            return reply(result);
        });
    }

    private static HttpReply reply(TaskIntake.Result result) {
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

    private HttpReply list(HttpCall call) {
        TaskListing.Filter filter;
        try {
            filter = TaskListing.Filter.parse(call.query("api_id"), call.query("state"), call.query("since"),
                    call.query("before"), call.query("limit"));
        } catch (InvalidInputException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return HttpReply.json(200, listing.list(filter));
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
