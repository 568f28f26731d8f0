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
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jdbi.v3.core.JdbiException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code POST /v1/tasks}, {@code GET /v1/tasks} and {@code GET /v1/tasks/{task_id}} (docs/contracts.md), signed by a
 * customer (for itself) or an operator (for any customer). A customer lists and reads only its own tasks, by their
 * full id or the id it gave.
 */
public final class TaskRoutes {
    private final SubmissionBatcher submissions;
    private final TaskStatusReader status;
    private final TaskListing listing;
    private final Codec codec;
    private final ApiAuth auth;

    TaskRoutes(SubmissionBatcher submissions, TaskStatusReader status, TaskListing listing, Codec codec,
            ApiAuth auth) {
        this.submissions = submissions;
        this.status = status;
        this.listing = listing;
        this.codec = codec;
        this.auth = auth;
    }

    public WebServer.Builder install(WebServer.Builder http) {
        return http
                .routeAsync("POST", "/v1/tasks", this::submit)
                .route("GET", "/v1/tasks", this::list)
                .route("GET", "/v1/tasks/{task_id}", this::get);
    }

    /**
     * Accepted together with the submissions that arrive meanwhile, their tokens claimed together; no server thread
     * waits for Redis or the confirm.
     */
    private CompletionStage<HttpReply> submit(HttpCall call) {
        ApiAuth.Signed signed = auth.unclaimed(call);
        TaskSubmission submission = forCaller(signed.caller(), call.bodyAs(codec, TaskSubmission.class));
        return submissions.submit(submission, signed.signature()).handle((result, error) -> {
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

    /** The submission of a customer names that customer (it may leave api_id out); an operator names any. */
    private TaskSubmission forCaller(ApiAuth.Caller caller, TaskSubmission s) {
        if (caller.admin() || caller.apiId().equals(s.apiId())) {
            return s;
        }
        if (s.apiId() != null) {
            throw auth.refusals().refuse(403, "foreign_customer", "the request is signed by customer '"
                    + caller.apiId() + "' but submits for api_id '" + s.apiId() + "'");
        }
        return new TaskSubmission(s.taskId(), caller.apiId(), s.type(), s.urls(), s.dirs(), s.tags(), s.scope(),
                s.priority(), s.deadlineS(), s.options());
    }

    private static HttpReply reply(TaskIntake.Result result) {
        if (result instanceof TaskIntake.Accepted a) {
            return HttpReply.json(202, new TaskAccepted(a.taskId(), "accepted", a.total()));
        }
        if (result instanceof TaskIntake.Rejected r) {
            return HttpReply.error(r.httpStatus(), r.code(), r.reason());
        }
        if (result instanceof TaskIntake.Refused r) {
            return HttpReply.error(403, r.reason(), r.message());
        }
        String taskId = ((TaskIntake.Duplicate) result).taskId();
        return HttpReply.error(409, "duplicate",
                "task '" + taskId + "' was already accepted; GET /v1/tasks/" + taskId + " for its state");
    }

    /** An operator lists any customer's tasks; a customer only its own, whatever api_id it names. */
    private HttpReply list(HttpCall call) {
        ApiAuth.Caller caller = auth.caller(call);
        String apiId = call.query("api_id");
        if (!caller.admin()) {
            if (apiId != null && !apiId.equals(caller.apiId())) {
                throw auth.refusals().refuse(403, "foreign_customer", "the request is signed by customer '"
                        + caller.apiId() + "' but lists the tasks of api_id '" + apiId + "'");
            }
            apiId = caller.apiId();
        }
        TaskListing.Filter filter;
        try {
            filter = TaskListing.Filter.parse(apiId, call.query("state"), call.query("since"),
                    call.query("before"), call.query("limit"));
        } catch (InvalidInputException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return HttpReply.json(200, listing.list(filter));
    }

    private HttpReply get(HttpCall call) {
        ApiAuth.Caller caller = auth.caller(call);
        String taskId = call.pathParam("task_id");
        if (!Ids.isTaskId(taskId)) {
            throw HttpError.badRequest(Identifiers.quote(taskId)
                    + " is not a valid task id (1 to 64 of A-Z a-z 0-9 . _ : -)");
        }
        TaskStatusReader.Page page = page(call);
        HttpError unknown = HttpError.notFound("no task '" + taskId + "'");
        if (caller.admin() || CustomerAdmission.owns(caller.apiId(), taskId)) {
            return status.read(taskId, page).map(s -> HttpReply.json(200, s)).orElseThrow(() -> unknown);
        }
        String scoped = caller.apiId() + ":" + taskId;
        if (scoped.length() <= 64) {
            Optional<HttpReply> own = status.read(scoped, page).map(s -> HttpReply.json(200, s));
            if (own.isPresent()) {
                return own.get();
            }
        }
        if (taskId.contains(":")) {
            // Another customer's id: answered as unknown, so that it tells nothing, and counted.
            auth.refusals().count("foreign_task");
        }
        throw unknown;
    }

    /** {@code nodes_after}, {@code nodes_limit}, {@code items_offset}, {@code items_limit} (docs/contracts.md). */
    static TaskStatusReader.Page page(HttpCall call) {
        int afterTier = 0;
        String afterNode = "";
        String after = call.query("nodes_after");
        if (after != null) {
            int colon = after.indexOf(':');
            int tier = colon < 1 ? -1 : number(after.substring(0, colon));
            afterNode = colon < 0 ? "" : after.substring(colon + 1);
            if (tier < 0 || tier > TaskValidator.MAX_TIER || !Ids.isNodeId(afterNode)) {
                throw HttpError.badRequest("nodes_after " + Identifiers.quote(after)
                        + " is not a cursor; pass back the next_nodes_after of the previous page");
            }
            afterTier = tier;
        }
        return new TaskStatusReader.Page(afterTier, afterNode,
                bounded(call, "nodes_limit", TaskStatusReader.Page.DEFAULT_NODES, 1, TaskStatusReader.Page.MAX_NODES),
                bounded(call, "items_offset", 0, 0, Integer.MAX_VALUE - TaskStatusReader.Page.MAX_ITEMS),
                bounded(call, "items_limit", TaskStatusReader.Page.DEFAULT_ITEMS, 0, TaskStatusReader.Page.MAX_ITEMS));
    }

    private static int bounded(HttpCall call, String name, int def, int min, int max) {
        String text = call.query(name);
        if (text == null) {
            return def;
        }
        int n = number(text);
        if (n < min || n > max) {
            throw HttpError.badRequest(name + " must be a whole number from " + min + " to " + max + ", got "
                    + Identifiers.quote(text));
        }
        return n;
    }

    /** The number, or -1 when the text is not a non-negative int. */
    private static int number(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long n = Long.parseLong(text);
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }
}
