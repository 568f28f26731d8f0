package io.purgeline.saver;

import io.purgeline.contracts.Ids;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.SaveBatch;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskRef;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.runtime.Inbound;
import io.purgeline.runtime.PoisonMessageException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decodes a saves message by its AMQP {@code type} and checks it. Anything the store could not apply for good (an
 * unknown type, a bad body, a missing or inconsistent field) is a {@link PoisonMessageException}: it is parked with
 * the reason instead of failing the whole batch again and again.
 */
final class SaveDecoder implements Function<Inbound, Save> {
    private static final int MAX_API_ID = 64;
    private static final int MAX_TIER = 127;

    private final Codec codec;

    SaveDecoder(Codec codec) {
        this.codec = codec;
    }

    @Override
    public Save apply(Inbound in) {
        String type = in.type();
        if (TaskCreated.MESSAGE_TYPE.equals(type)) {
            return new Save.Created(checked(in.decode(codec, TaskCreated.class)));
        }
        if (SubtaskOutcomes.MESSAGE_TYPE.equals(type)) {
            return new Save.Outcomes(checked(in.decode(codec, SubtaskOutcomes.class)));
        }
        if (TaskExpiry.MESSAGE_TYPE.equals(type)) {
            return new Save.Expiry(checked(in.decode(codec, TaskExpiry.class)));
        }
        if (SaveBatch.MESSAGE_TYPE.equals(type)) {
            return checked(in.decode(codec, SaveBatch.class));
        }
        throw new PoisonMessageException("message type '" + type + "' is not a save (expected "
                + TaskCreated.MESSAGE_TYPE + ", " + SubtaskOutcomes.MESSAGE_TYPE + ", " + TaskExpiry.MESSAGE_TYPE
                + " or " + SaveBatch.MESSAGE_TYPE + ")");
    }

    /**
     * Each part is checked on its own: one bad part must not keep the other tasks of its batch from their record. The
     * good parts are kept, the reasons of the bad ones go with them (the message is parked once they are applied).
     */
    private static Save.Batch checked(SaveBatch b) {
        List<Save> parts = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (TaskCreated c : b.created() == null ? List.<TaskCreated>of() : b.created()) {
            try {
                parts.add(new Save.Created(checked(require(c, "task.created"))));
            } catch (PoisonMessageException e) {
                rejected.add(e.getMessage());
            }
        }
        for (SubtaskOutcomes o : b.outcomes() == null ? List.<SubtaskOutcomes>of() : b.outcomes()) {
            try {
                parts.add(new Save.Outcomes(checked(require(o, "subtask.outcomes"))));
            } catch (PoisonMessageException e) {
                rejected.add(e.getMessage());
            }
        }
        String why = rejected.isEmpty() ? null : "save.batch: " + rejected.size() + " part(s) left out: "
                + String.join("; ", rejected.subList(0, Math.min(3, rejected.size())))
                + (rejected.size() > 3 ? "; ..." : "");
        if (parts.isEmpty()) {
            throw new PoisonMessageException(why != null ? why : "save.batch has no parts");
        }
        return new Save.Batch(parts, why);
    }

    private static <T> T require(T part, String what) {
        require(part != null, () -> "a null " + what);
        return part;
    }

    private static TaskCreated checked(TaskCreated t) {
        String id = t.taskId();
        require(Ids.isTaskId(id), () -> "task.created has a missing or invalid task_id: '" + id + "'");
        require(t.apiId() != null && !t.apiId().isBlank() && t.apiId().length() <= MAX_API_ID,
                () -> "task.created " + id + " has a missing or too long api_id");
        require(t.type() != null, () -> "task.created " + id + " has a missing or unknown type");
        require(t.targets() != null, () -> "task.created " + id + " has no targets");
        require(t.lane() != null, () -> "task.created " + id + " has a missing or unknown lane");
        require(t.priority() >= 0 && t.priority() <= 9, () -> "task.created " + id + " has priority " + t.priority()
                + " outside 0-9");
        require(t.acceptedAt() != null, () -> "task.created " + id + " has no accepted_at");
        require(t.deadlineAt() != null, () -> "task.created " + id + " has no deadline_at");
        require(t.subtasks() != null, () -> "task.created " + id + " has no subtasks list");
        Set<String> seen = new HashSet<>();
        for (SubtaskRef s : t.subtasks()) {
            require(s != null, () -> "task.created " + id + " has a null subtask");
            checkSubtask(id, s.subtaskId(), s.nodeId(), "task.created");
            require(s.tier() >= 0 && s.tier() <= MAX_TIER, () -> "task.created " + id + " gives subtask "
                    + s.subtaskId()
                    + " tier " + s.tier());
            require(seen.add(s.subtaskId()), () -> "task.created " + id + " lists subtask " + s.subtaskId() + " twice");
        }
        return t;
    }

    private static SubtaskOutcomes checked(SubtaskOutcomes o) {
        String id = o.taskId();
        require(Ids.isTaskId(id), () -> "subtask.outcomes has a missing or invalid task_id: '" + id + "'");
        require(o.outcomes() != null && !o.outcomes().isEmpty(),
                () -> "subtask.outcomes of " + id + " has no outcomes");
        for (SubtaskOutcome s : o.outcomes()) {
            require(s != null, () -> "subtask.outcomes of " + id + " has a null outcome");
            checkSubtask(id, s.subtaskId(), s.nodeId(), "subtask.outcomes");
            require(s.state() != null && s.state().isFinal(), () -> "subtask.outcomes of " + id + " gives subtask "
                    + s.subtaskId() + " state " + s.state() + "; an outcome is done, failed or expired");
            require(s.attempts() >= 0, () -> "subtask.outcomes of " + id + " gives subtask " + s.subtaskId()
                    + " negative attempts");
        }
        return o;
    }

    private static TaskExpiry checked(TaskExpiry e) {
        String id = e.taskId();
        require(Ids.isTaskId(id), () -> "task.expiry has a missing or invalid task_id: '" + id + "'");
        require(e.expiredAt() != null, () -> "task.expiry of " + id + " has no expired_at");
        return e;
    }

    private static void checkSubtask(String taskId, String subtaskId, String nodeId, String what) {
        require(Ids.isNodeId(nodeId),
                () -> what + " of " + taskId + " has a missing or invalid node_id: '" + nodeId + "'");
        require(Ids.isSubtaskIdOf(subtaskId, taskId, nodeId), () -> what + " of " + taskId + " has subtask_id '"
                + subtaskId + "', expected '" + Ids.subtaskId(taskId, nodeId) + "'");
    }

    /** The reason is built only for a message that fails the check: most pass, and a save checks every subtask. */
    private static void require(boolean ok, Supplier<String> reason) {
        if (!ok) {
            throw new PoisonMessageException(reason.get());
        }
    }
}
