package io.purgeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.testkit.SaveParts;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Callbacks that arrive while a publish waits for its confirm are saved together, one save per task. */
class SaveBatcherTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static SubtaskOutcomes result(String task, String node) {
        return new SubtaskOutcomes(task, List.of(new SubtaskOutcome(task + "@" + node, node, SubtaskState.DONE, 0, 200,
                null, Items.NONE, Instant.now(), Instant.now())));
    }

    @Test
    void resultsWaitingTogetherBecomeOneSavePerTaskAndTheirTimersAreRemoved() throws Exception {
        InflightDeliveries inflight = new InflightDeliveries(ns.redis(), ns.keys(), ns.config().codec());
        for (int n = 1; n <= 30; n++) {
            ns.redis().zadd(ns.keys().inflight(), 1, "task-a@edge-" + n);
        }
        SaveBatcher batcher = new SaveBatcher(ns.publisher(), ns.topology(), inflight);
        List<CompletableFuture<Void>> saved = new ArrayList<>();
        for (int n = 1; n <= 30; n++) {
            saved.add(batcher.save(List.of(result("task-a", "edge-" + n))));
        }
        saved.add(batcher.save(List.of(result("task-b", "edge-1"), result("task-c", "edge-1"))));
        batcher.begin();
        for (CompletableFuture<Void> f : saved) {
            f.get(10, TimeUnit.SECONDS);
        }
        batcher.close();

        // One message per partition: the saves of tasks that share one travel together.
        long partitions = Stream.of("task-a", "task-b", "task-c").map(ns.topology()::savesPartition).distinct().count();
        List<Tap.Seen> messages = ns.take(ns.topology().savesQueues(), (int) partitions, Duration.ofSeconds(10));
        List<SubtaskOutcomes> saves = messages.stream()
                .flatMap(m -> SaveParts.of(ns.config().codec(), m).outcomes().stream()).toList();
        assertThat(saves).extracting(SubtaskOutcomes::taskId).containsExactlyInAnyOrder("task-a", "task-b", "task-c");
        assertThat(saves.stream().filter(s -> s.taskId().equals("task-a")).findFirst().orElseThrow().outcomes())
                .hasSize(30);
        assertThat(ns.redis().zcard(ns.keys().inflight())).isZero();
        assertThat(ns.topology().savesQueues().stream().mapToLong(ns::depth).sum()).isZero();
    }

    @Test
    void noSaveCarriesMoreItemResultsThanTheSaverDecodesAtOnce() throws Exception {
        InflightDeliveries inflight = new InflightDeliveries(ns.redis(), ns.keys(), ns.config().codec());
        SaveBatcher batcher = new SaveBatcher(ns.publisher(), ns.topology(), inflight);
        List<ItemResult> urls = IntStream.range(0, 100)
                .mapToObj(i -> new ItemResult("https://www.example.com/" + i + ".js", 200, 0, 1, null)).toList();
        List<CompletableFuture<Void>> saved = new ArrayList<>();
        int nodes = SaveBatcher.MAX_ITEMS / 100 * 3 + 7; // three batches' worth of one 100-URL task's results, and some
        for (int n = 1; n <= nodes; n++) {
            saved.add(batcher.save(List.of(new SubtaskOutcomes("task-big", List.of(new SubtaskOutcome(
                    "task-big@edge-" + n, "edge-" + n, SubtaskState.DONE, 1, 200, null, Items.of(urls), Instant.now(),
                    Instant.now()))))));
        }
        batcher.begin();
        for (CompletableFuture<Void> f : saved) {
            f.get(30, TimeUnit.SECONDS);
        }
        batcher.close();

        List<SubtaskOutcomes> saves = ns.take(ns.topology().savesQueues(), 4, Duration.ofSeconds(10)).stream()
                .map(m -> m.as(ns.config().codec(), SubtaskOutcomes.class)).toList();
        assertThat(saves).allSatisfy(save -> assertThat(save.outcomes().stream().mapToInt(o -> o.items().list().size()).sum())
                .isLessThanOrEqualTo(SaveBatcher.MAX_ITEMS));
        assertThat(saves.stream().mapToInt(save -> save.outcomes().size()).sum()).isEqualTo(nodes);
    }
}
