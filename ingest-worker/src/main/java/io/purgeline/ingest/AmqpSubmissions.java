package io.purgeline.ingest;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.Inbound;
import io.purgeline.runtime.PoisonMessageException;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.Topology;

/**
 * Task submissions over AMQP (API.md §1), from the ingest queue into {@link TaskIntake}. A body that does not decode
 * and a task that is rejected are poison: parked in {@code ingest.dead} with the reason and alerted, so an operator
 * can fix and replay them (a task rejected for want of matching nodes, for example, once the nodes are registered).
 */
public final class AmqpSubmissions {
    private AmqpSubmissions() {}

    /** Starts consuming; the returned consumer is owned by the caller. */
    public static QueueConsumer start(Broker broker, Topology topology, DeadLetters dead, Codec codec,
            TaskIntake intake, int concurrency) {
        return QueueConsumer.single(broker,
                QueueConsumer.Spec.of(topology.ingestQueue(), Topology.Area.INGEST).concurrency(concurrency),
                dead, in -> decode(in, codec), (submission, in) -> handle(intake, submission));
    }

    /** The submission; when it names no task id, the message id is the task id, so a republished copy is a duplicate. */
    static TaskSubmission decode(Inbound in, Codec codec) {
        TaskSubmission s = in.decode(codec, TaskSubmission.class);
        return s.taskId() == null && in.messageId() != null ? s.withTaskId(in.messageId()) : s;
    }

    /** Returns normally (the message is acked) for accepted tasks and for duplicates, which are ignored by design. */
    static void handle(TaskIntake intake, TaskSubmission submission) {
        if (intake.accept(submission) instanceof TaskIntake.Rejected rejected) {
            throw new PoisonMessageException("task rejected: " + rejected.reason());
        }
    }
}
