package io.purgeline.ingest;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.Inbound;
import io.purgeline.runtime.PoisonMessageException;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Refusals;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Task submissions over AMQP (API.md §1), from the ingest queue into {@link TaskIntake}, in batches: what is queued
 * (up to {@link #BATCH}) is accepted together, one confirmed publish and one Redis round trip per batch. A body that
 * does not decode and a task that is rejected are poison: parked in {@code ingest.dead} with the reason and alerted,
 * so an operator can fix and replay them (a task rejected for want of matching nodes, for example, once the nodes are
 * registered).
 *
 * <p>Only the upstream may submit: a submission must carry the AMQP {@code user_id} of the configured upstream user
 * (which the broker checks against the publishing connection's user), and comes through this worker's vhost.
 */
public final class AmqpSubmissions {
    private AmqpSubmissions() {}

    /**
     * Submissions accepted together at most. One confirm wait per submission capped AMQP intake at a few hundred
     * tasks a second; 200 per batch keeps a batch's publish (three messages a task, more for large fan-outs) well
     * under a second of the broker's ~10,000 persistent messages a second.
     */
    static final int BATCH = 200;
    /** The longest a batch gathers submissions arriving one after another. */
    private static final Duration FILL = Duration.ofMillis(5);

    /** Starts consuming; the returned consumer is owned by the caller. */
    public static QueueConsumer start(Broker broker, Topology topology, DeadLetters dead, Codec codec,
            TaskIntake intake, int concurrency, String upstreamUser, Refusals refusals) {
        return QueueConsumer.sortingBatch(broker,
                QueueConsumer.Spec.of(topology.ingestQueue(), Topology.Area.INGEST).concurrency(concurrency),
                BATCH, FILL, dead, in -> decode(in, codec, upstreamUser, refusals),
                submissions -> handle(intake, submissions), intake::giveUp);
    }

    /**
     * The submission, if the upstream published it, decoded strictly (a field the contract does not have is refused,
     * naming it); when it names no task id, the message id is the task id, so a republished copy is a duplicate.
     */
    static TaskSubmission decode(Inbound in, Codec codec, String upstreamUser, Refusals refusals) {
        String user = in.message().getMessageProperties().getReceivedUserId();
        if (!upstreamUser.equals(user)) {
            refusals.count("foreign_publisher");
            throw new PoisonMessageException("submission refused: published " + (user == null
                    ? "without a user_id property" : "by AMQP user '" + user + "'") + ", only the upstream user '"
                    + upstreamUser + "' may submit tasks (it sets user_id to its own user name)");
        }
        TaskSubmission s = in.decodeStrict(codec, TaskSubmission.class);
        return s.taskId() == null && in.messageId() != null ? s.withTaskId(in.messageId()) : s;
    }

    /**
     * Names the rejected submissions, by position, to be parked; accepted tasks and duplicates (ignored by design) are
     * acked.
     */
    static Map<Integer, String> handle(TaskIntake intake, List<TaskSubmission> submissions) {
        List<TaskIntake.Result> results = intake.acceptAll(IntakeCounters.Source.AMQP, submissions);
        Map<Integer, String> rejected = new HashMap<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof TaskIntake.Rejected r) {
                rejected.put(i, "task rejected: " + r.reason());
            } else if (results.get(i) instanceof TaskIntake.Refused r) {
                rejected.put(i, "task refused (" + r.reason() + "): " + r.message());
            }
        }
        return rejected;
    }
}
