package io.purgeline.saver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskStateTest {
    @Test
    void aTaskRunsOnceAnyNodeHasEnded() {
        assertThat(TaskState.ACCEPTED.after(3, 0, 0, 0)).isEqualTo(TaskState.ACCEPTED);
        assertThat(TaskState.ACCEPTED.after(3, 1, 0, 0)).isEqualTo(TaskState.RUNNING);
        assertThat(TaskState.RUNNING.after(3, 1, 1, 0)).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aTaskCompletesOnlyWhenEveryNodeSucceeded() {
        assertThat(TaskState.RUNNING.after(3, 3, 0, 0)).isEqualTo(TaskState.COMPLETED);
        assertThat(TaskState.RUNNING.after(3, 2, 1, 0)).isEqualTo(TaskState.FAILED);
    }

    @Test
    void aTaskWithANodeOutOfTimeEndsExpiredEvenIfOthersFailed() {
        assertThat(TaskState.RUNNING.after(3, 2, 0, 1)).isEqualTo(TaskState.EXPIRED);
        assertThat(TaskState.RUNNING.after(3, 1, 1, 1)).isEqualTo(TaskState.EXPIRED);
        assertThat(TaskState.RUNNING.after(3, 1, 0, 1)).as("one node still open").isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aFinalStateNeverChanges() {
        assertThat(TaskState.COMPLETED.after(3, 0, 0, 0)).isEqualTo(TaskState.COMPLETED);
        assertThat(TaskState.EXPIRED.after(3, 3, 0, 0)).isEqualTo(TaskState.EXPIRED);
        assertThat(TaskState.FAILED.after(3, 3, 0, 0)).isEqualTo(TaskState.FAILED);
    }
}
