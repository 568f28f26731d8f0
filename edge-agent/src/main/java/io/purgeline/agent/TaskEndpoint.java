package io.purgeline.agent;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.BatchQueued;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.AsyncRoute;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v1/agent/task}: a signed batch from the dispatcher. Answers 202 as soon as the batch is queued, or, when
 * the request asks for it with {@code ?answer_ms=N}, once the batch's subtasks have finished or N ms have passed,
 * with the results finished by then; every other result follows by callback. The answer counts the subtasks that
 * were {@code duplicates} (already running or recently done here): those are not executed again, and names those
 * still running. A held answer holds no server thread. Asked with {@code implied_targets=1}, the answer's items leave
 * out every target that their index in the subtask's targets already names; with {@code item_rows=1}, they are
 * written as rows ({@link Items}), leaving those targets out too.
 */
public final class TaskEndpoint implements AsyncRoute {
    public static final String PATH = "/v1/agent/task";
    /** The longest an answer may be held for results: well under any dispatcher's wait for an answer. */
    static final int MAX_ANSWER_MS = 10_000;

    private final String nodeId;
    private final RequestVerifier verifier;
    private final Codec codec;
    private final SubtaskRunner runner;

    public TaskEndpoint(String nodeId, RequestVerifier verifier, Codec codec, SubtaskRunner runner) {
        this.nodeId = nodeId;
        this.verifier = verifier;
        this.codec = codec;
        this.runner = runner;
    }

    @Override
    public CompletionStage<HttpReply> handle(HttpCall call) {
        RequestVerifier.Verified signed = verifier.verify(call);
        try {
            Duration answerWithin = answerWithin(call.query("answer_ms"));
            boolean impliedTargets = flag(call, "implied_targets");
            boolean rows = flag(call, "item_rows");
            AgentBatch batch = call.bodyAs(codec, AgentBatch.class);
            URI callbackApi = validate(batch);
            SubtaskRunner.Admission admission = runner.offer(batch, callbackApi, answerWithin);
            if (!admission.accepted()) {
                throw new HttpError(503, "busy", runner.accepting()
                        ? "the agent's queue has no room for " + batch.subtasks().size() + " more subtask(s) ("
                                + runner.queued() + " waiting); retry later"
                        : "the agent is stopping");
            }
            return admission.answer().thenApply(results -> HttpReply.json(202, new BatchQueued(BatchQueued.QUEUED,
                    batch.subtasks().size(), admission.duplicates(), admission.stillRunning(),
                    inForm(results, rows, impliedTargets))));
        } catch (RuntimeException e) {
            verifier.release(signed);
            throw e;
        }
    }

    private static Duration answerWithin(String value) {
        if (value == null) {
            return Duration.ZERO;
        }
        int ms;
        try {
            ms = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0 || ms > MAX_ANSWER_MS) {
            throw HttpError.badRequest("answer_ms must be a whole number of milliseconds from 0 to " + MAX_ANSWER_MS
                    + ", got '" + value + "'");
        }
        return Duration.ofMillis(ms);
    }

    /**
     * A flag of the answer's form: {@code implied_targets=1}, the dispatcher reads an item without a target as its
     * subtask's target there; {@code item_rows=1}, it reads items written as rows (and so implied targets too).
     */
    private static boolean flag(HttpCall call, String name) {
        String value = call.query(name);
        if (value == null) {
            return false;
        }
        if (!value.equals("1")) {
            throw HttpError.badRequest(name + " must be 1 when given, got '" + value + "'");
        }
        return true;
    }

    /** The results with their items in the form the dispatcher reads. */
    private static List<SubtaskResult> inForm(List<SubtaskResult> results, boolean rows, boolean impliedTargets) {
        List<SubtaskResult> out = new ArrayList<>(results.size());
        for (SubtaskResult r : results) {
            Items items = r.items() == null ? null
                    : rows ? r.items().rows() : impliedTargets ? r.items().impliedTargets() : r.items().objects();
            out.add(items == r.items() ? r : new SubtaskResult(r.subtaskId(), r.taskId(), r.callbackToken(),
                    r.state(), items, r.startedAt(), r.finishedAt()));
        }
        return out;
    }

    private URI validate(AgentBatch batch) {
        if (batch.nodeId() == null || !batch.nodeId().equals(nodeId)) {
            throw new HttpError(400, "wrong_node", "batch is for node '" + batch.nodeId() + "' but this agent is node '"
                    + nodeId + "'");
        }
        URI callbackApi;
        try {
            callbackApi = AgentSettings.httpUri("callback_api", String.valueOf(batch.callbackApi()));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        if (batch.subtasks() == null || batch.subtasks().isEmpty()) {
            throw HttpError.badRequest("batch has no subtasks");
        }
        for (AgentSubtask s : batch.subtasks()) {
            if (s == null || isBlank(s.subtaskId()) || isBlank(s.taskId()) || isBlank(s.callbackToken())) {
                throw HttpError.badRequest("every subtask needs subtask_id, task_id and callback_token");
            }
            if (s.type() == null) {
                throw HttpError.badRequest("subtask " + s.subtaskId()
                        + " has no type or an unknown one (refresh, refresh_dir, refresh_tag, prefetch)");
            }
            if (s.targets().isEmpty() || s.targets().stream().anyMatch(TaskEndpoint::isBlank)) {
                throw HttpError.badRequest("subtask " + s.subtaskId() + " of type " + s.type().wire()
                        + " needs a non-empty list of " + switch (s.type()) {
                            case REFRESH, PREFETCH -> "urls";
                            case REFRESH_DIR -> "dirs";
                            case REFRESH_TAG -> "tags";
                        });
            }
        }
        return callbackApi;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
