package io.purgeline.saver;

import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;

/** One decoded message from a saves queue: the two kinds of change the saver applies. */
sealed interface Save {
    record Created(TaskCreated task) implements Save {}

    record Outcomes(SubtaskOutcomes outcomes) implements Save {}
}
