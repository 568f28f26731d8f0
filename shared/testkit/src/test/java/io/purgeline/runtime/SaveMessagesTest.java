package io.purgeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.SaveBatch;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskRef;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How saves of many tasks become messages: one per partition, each task's parts on its own partition. */
class SaveMessagesTest {
    private final Topology topology = new Topology("t", 4, List.of(Duration.ofSeconds(1)));

    @Test
    void thePartitionOfATaskIsFixedForGood() {
        // CRC-32 of the id, modulo the partitions. A change would split the saves of tasks in flight during an upgrade.
        assertThat(List.of("acme:a", "acme:b", "task-1", "task-2", "x").stream().map(topology::savesPartition))
                .containsExactly(3, 1, 3, 1, 3);
        assertThat(new Topology("t", 7, List.of()).savesPartition("acme:b")).isEqualTo(3);
        assertThat(topology.save("acme:b", "test", "body")).satisfies(o -> {
            assertThat(o.exchange()).as("the default exchange").isEmpty();
            assertThat(o.routingKey()).isEqualTo("t.saves.1");
        });
    }

    @Test
    void manyTasksMakeOneMessagePerPartitionEachOnItsTasksPartition() {
        List<TaskCreated> created = IntStream.range(0, 200).mapToObj(i -> created("acme:" + i, 1)).toList();

        List<Outgoing> out = SaveMessages.of(topology, created, List.of());

        assertThat(out).hasSize(4).allSatisfy(o -> {
            assertThat(o.type()).isEqualTo(SaveBatch.MESSAGE_TYPE);
            assertThat(((SaveBatch) o.payload()).created()).allSatisfy(c -> assertThat(o.routingKey())
                    .isEqualTo(topology.savesQueue(topology.savesPartition(c.taskId()))));
        });
        assertThat(out.stream().flatMap(o -> ((SaveBatch) o.payload()).created().stream()))
                .containsExactlyInAnyOrderElementsOf(created);
    }

    @Test
    void aPartAloneOnItsPartitionGoesAsTheMessageItAlwaysWas() {
        TaskCreated c = created("acme:a", 2);
        SubtaskOutcomes o = outcomes("acme:b", 1);

        List<Outgoing> out = SaveMessages.of(topology, List.of(c), List.of(o));

        assertThat(out).hasSize(2);
        assertThat(out.get(0)).satisfies(m -> {
            assertThat(m.type()).isEqualTo(TaskCreated.MESSAGE_TYPE);
            assertThat(m.payload()).isEqualTo(c);
            assertThat(m.messageId()).isEqualTo("acme:a/created");
            assertThat(m.correlationId()).isEqualTo("acme:a");
        });
        assertThat(out.get(1)).satisfies(m -> {
            assertThat(m.type()).isEqualTo(SubtaskOutcomes.MESSAGE_TYPE);
            assertThat(m.payload()).isEqualTo(o);
            assertThat(m.correlationId()).isEqualTo("acme:b");
        });
    }

    @Test
    void aPartitionsPartsAreCutIntoBatchesOfBoundedSizeKeepingTheirOrder() {
        List<TaskCreated> created = new ArrayList<>();
        for (int i = 0; created.size() < 20; i++) {
            if (topology.savesPartition("big:" + i) == 0) {
                created.add(created("big:" + i, 300));
            }
        }

        List<Outgoing> out = SaveMessages.of(topology, created, List.of());

        assertThat(out).hasSizeGreaterThan(1).allSatisfy(o -> {
            assertThat(o.type()).isEqualTo(SaveBatch.MESSAGE_TYPE);
            assertThat(Codec.standard().toJson(o.payload()).length()).isLessThanOrEqualTo(SaveMessages.MAX_BATCH_BYTES);
        });
        assertThat(out.stream().flatMap(o -> ((SaveBatch) o.payload()).created().stream()))
                .containsExactlyElementsOf(created);
    }

    private static TaskCreated created(String task, int nodes) {
        return new TaskCreated(task, "acme", TaskType.REFRESH, List.of("https://www.example.com/a.js"), null, 5,
                Lane.FAST, Instant.EPOCH, Instant.EPOCH.plusSeconds(600), IntStream.range(0, nodes)
                .mapToObj(n -> new SubtaskRef(task + "@edge-" + n, "edge-" + n, 2)).toList());
    }

    private static SubtaskOutcomes outcomes(String task, int nodes) {
        return new SubtaskOutcomes(task, IntStream.range(0, nodes).mapToObj(n -> new SubtaskOutcome(
                task + "@edge-" + n, "edge-" + n, SubtaskState.DONE, 1, 200, null, Items.NONE, null, null)).toList());
    }
}
