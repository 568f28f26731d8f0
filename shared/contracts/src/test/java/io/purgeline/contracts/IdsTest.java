package io.purgeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void theChecksAgreeWithThePatternsTheyAreDocumentedBy() {
        List<String> ids = new ArrayList<>(List.of("", "a", "edge-1", "node_2.x", "task:1", "tâsk", "a b", "a/b",
                "a@b", "A-Z.0_9", "x".repeat(64), "x".repeat(65), ":", "-", "a\n"));
        for (char c = 0; c < 256; c++) {
            ids.add("a" + c);
        }
        for (String id : ids) {
            assertThat(Ids.isTaskId(id)).as("task id '%s'", id).isEqualTo(Ids.TASK_ID.matcher(id).matches());
            assertThat(Ids.isNodeId(id)).as("node id '%s'", id).isEqualTo(Ids.NODE_ID.matcher(id).matches());
        }
        assertThat(Ids.isTaskId(null)).isFalse();
        assertThat(Ids.isNodeId(null)).isFalse();
    }

    @Test
    void aSubtaskIdIsItsTaskAndNodeJoinedByAnAt() {
        assertThat(Ids.isSubtaskIdOf("t-1@edge-1", "t-1", "edge-1")).isTrue();
        assertThat(Ids.isSubtaskIdOf("t-1@edge-2", "t-1", "edge-1")).isFalse();
        assertThat(Ids.isSubtaskIdOf("t-2@edge-1", "t-1", "edge-1")).isFalse();
        assertThat(Ids.isSubtaskIdOf("t-1#edge-1", "t-1", "edge-1")).isFalse();
        assertThat(Ids.isSubtaskIdOf("t-1@edge-1x", "t-1", "edge-1")).isFalse();
        assertThat(Ids.isSubtaskIdOf("t-1@@edge-1", "t-1", "edge-1")).isFalse();
        assertThat(Ids.isSubtaskIdOf(null, "t-1", "edge-1")).isFalse();
    }
}
