package io.purgeline.saver;

import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;

/** One decoded message from a saves queue: the three kinds of change the saver applies. */
sealed interface Save {
    record Created(TaskCreated task) implements Save {}

    record Outcomes(SubtaskOutcomes outcomes) implements Save {}

    record Expiry(TaskExpiry expiry) implements Save {}
}
