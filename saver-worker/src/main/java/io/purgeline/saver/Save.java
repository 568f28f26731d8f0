package io.purgeline.saver;

import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import java.util.List;

/** One decoded message from a saves queue: the three kinds of change the saver applies, or a batch of them. */
sealed interface Save {
    record Created(TaskCreated task) implements Save {}

    record Outcomes(SubtaskOutcomes outcomes) implements Save {}

    record Expiry(TaskExpiry expiry) implements Save {}

    /**
     * A {@code save.batch}: its valid parts (creations and outcomes, never expiries), and why the others were left
     * out, or null when none was. The parts are applied; a message with parts left out is parked after that, with
     * the reason.
     */
    record Batch(List<Save> parts, String rejected) implements Save {}
}
