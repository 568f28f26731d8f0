package io.purgeline.agent;

import io.purgeline.contracts.SubtaskResult;

/**
 * Told of every subtask the node actually executed, with its result, before the result is reported. The fleet
 * simulator records these to check later that every subtask was recorded as it was executed.
 */
@FunctionalInterface
public interface ExecutionCallback {
    ExecutionCallback NONE = result -> { };

    void executed(SubtaskResult result);
}
