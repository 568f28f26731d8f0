package io.purgeline.saver;

import static io.purgeline.saver.SaverInstances.held;
import static io.purgeline.saver.SaverInstances.save;
import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PartitionRebalanceTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Map<String, String> FAST_TICKS = Map.of("PURGELINE_SAVER_TICK_MS", "150");

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace().with("PURGELINE_SAVES_PARTITIONS", "4");

    private static final Codec codec = Codec.standard();
    private final List<SaverWorker> savers = new ArrayList<>();

    @AfterEach
    void stopSavers() {
        savers.forEach(SaverWorker::close);
    }

    @Test
    void twoSaversShareFourPartitionsTwoAndTwo() throws Exception {
        SaverWorker a = saver();
        SaverWorker b = saver();

        awaitShares(List.of(a, b), List.of(2, 2));
        assertThat(SaverInstances.counter(a, "live_savers")).isEqualTo(2);
    }

    @Test
    void aThirdSaverJoiningMakesTheOthersGiveUpPartitions() throws Exception {
        SaverWorker a = saver();
        SaverWorker b = saver();
        awaitShares(List.of(a, b), List.of(2, 2));

        SaverWorker c = saver();

        awaitShares(List.of(a, b, c), List.of(1, 1, 2));
        assertThat(held(c)).isNotEmpty();
    }

    @Test
    void savesPublishedBeforeDuringAndAfterAHandoverAreEachAppliedExactlyOnce() throws Exception {
        SaverWorker a = saver();
        SaverWorker b = saver();
        awaitShares(List.of(a, b), List.of(2, 2));
        try (Tap events = ns.tap(ns.topology().eventsExchange(), "task.*")) {
            List<String> tasks = new CopyOnWriteArrayList<>();
            AtomicBoolean keepPublishing = new AtomicBoolean(true);
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                while (keepPublishing.get()) {
                    tasks.add(publishTask());
                }
            });
            await().atMost(PATIENCE).until(() -> tasks.size() >= 30);

            a.close();
            int publishedBeforeClosed = tasks.size();
            await().atMost(PATIENCE).until(() -> tasks.size() >= publishedBeforeClosed + 30);
            keepPublishing.set(false);
            load.get();

            await().atMost(PATIENCE).until(() -> held(b).equals(List.of(0, 1, 2, 3)));
            await().atMost(PATIENCE).until(() -> completed(events).containsAll(tasks));
            // Every event of the closed saver was confirmed before close returned, so it is queued on the tap ahead
            // of the events of tasks published after that; and the survivor alone cannot announce a task twice.
            Map<String, Long> announced = events.seen().stream().map(s -> s.as(codec, TaskEvent.class).taskId())
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(announced).as("one event per task").hasSize(tasks.size()).containsOnlyKeys(tasks)
                    .allSatisfy((task, count) -> assertThat(count).isEqualTo(1));
            assertThat(events.seen()).allSatisfy(s -> assertThat(s.routingKey()).isEqualTo("task.completed"));
            assertThat(count("SELECT COUNT(*) FROM tasks WHERE state = 'completed' AND total = 3 AND done = 3 "
                    + "AND failed = 0 AND expired = 0")).isEqualTo(tasks.size());
            assertThat(count("SELECT COUNT(*) FROM subtasks WHERE state = 'done'")).isEqualTo(3 * tasks.size());
            assertThat(tasks).allSatisfy(task -> assertThat(ns.redis().hgetAll(ns.keys().task(task))).isEqualTo(
                    Map.of("total", "3", "done", "3", "failed", "0", "expired", "0", "state", "completed")));
        }
    }

    /** A task's three saves in publish order: its creation, two results, the last result. */
    private static String publishTask() {
        String task = newTaskId();
        ns.publisher().publish(List.of(
                save(ns, created(task, "e1", "e2", "e3")),
                save(ns, outcomes(task, done(task, "e1"), done(task, "e2"))),
                save(ns, outcomes(task, done(task, "e3")))));
        return task;
    }

    private static int count(String sql) {
        return ns.database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    private static Set<String> completed(Tap events) {
        return events.seen().stream().filter(s -> s.routingKey().equals("task.completed"))
                .map(s -> s.as(codec, TaskEvent.class).taskId()).collect(Collectors.toSet());
    }

    private SaverWorker saver() throws Exception {
        SaverWorker saver = SaverInstances.start(ns, FAST_TICKS);
        savers.add(saver);
        return saver;
    }

    /** Waits until the savers hold these numbers of partitions (in any order), between them every partition once. */
    private static void awaitShares(List<SaverWorker> savers, List<Integer> shares) {
        await().atMost(PATIENCE).until(() -> {
            List<List<Integer>> held = savers.stream().map(SaverInstances::held).toList();
            List<Integer> all = held.stream().flatMap(Collection::stream).sorted().toList();
            return held.stream().map(List::size).sorted().toList().equals(shares)
                    && all.equals(Stream.iterate(0, p -> p + 1).limit(4).toList());
        });
    }
}
