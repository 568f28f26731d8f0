package io.purgeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.testkit.TestNamespace;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InflightDeliveriesTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    @Test
    void everyRecordedSubtaskHasItsTimerAndADeliveryThatJoinedWithTheTasksBodyIsTheOneSent() {
        InflightDeliveries inflight = new InflightDeliveries(ns.redis(), ns.keys(), ns.config().codec());
        DispatchMessage message = new DispatchMessage("task-rec", "acme", TaskType.REFRESH,
                List.of("https://a.example/1", "https://a.example/\"2\""), TaskOptions.NONE, 7, Lane.SLOW,
                Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS),
                IntStream.rangeClosed(1, 5).mapToObj(n -> new Assignment("task-rec@edge-" + n, "edge-" + n,
                        "127.0.0.1:" + (9000 + n), n)).toList());
        DispatchMessage other = new DispatchMessage("task-other", "acme", TaskType.REFRESH_DIR,
                List.of("https://a.example/d/"), TaskOptions.NONE, 5, Lane.FAST, null,
                List.of(new Assignment("task-other@edge-1", "edge-1", "127.0.0.1:9001", 1)));

        inflight.record(List.of(new InflightDeliveries.Sent(message, message.assignments().subList(0, 4), 1_000),
                new InflightDeliveries.Sent(other, other.assignments(), 2_000)));

        List<InflightDeliveries.Due> due = inflight.due(3_000, 100);
        assertThat(due).extracting(InflightDeliveries.Due::subtaskId).containsExactlyInAnyOrder("task-rec@edge-1",
                "task-rec@edge-2", "task-rec@edge-3", "task-rec@edge-4", "task-other@edge-1");
        var bodies = inflight.bodies(List.of("task-rec", "task-other"));
        for (InflightDeliveries.Due d : due) {
            DispatchMessage sent = d.subtaskId().startsWith("task-rec") ? message : other;
            assertThat(d.dueMillis()).isEqualTo(sent == message ? 1_000 : 2_000);
            DispatchMessage stored = StoredDeliveries.decode(ns.config().codec(), d.delivery());
            DispatchMessage whole = StoredDeliveries.withBody(stored,
                    ns.config().codec().fromJson(bodies.get(sent.taskId()), DispatchMessage.class));
            Assignment assignment = sent.assignments().stream().filter(a -> a.subtaskId().equals(d.subtaskId()))
                    .findFirst().orElseThrow();
            assertThat(whole).isEqualTo(sent.withAssignments(List.of(assignment)));
        }
    }
}
