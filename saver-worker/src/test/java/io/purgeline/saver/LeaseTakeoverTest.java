package io.purgeline.saver;

import static io.purgeline.saver.SaverInstances.held;
import static io.purgeline.saver.SaverInstances.save;
import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.TaskEvent;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.params.SetParams;

class LeaseTakeoverTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Map<String, String> FAST_TICKS = Map.of("PURGELINE_SAVER_TICK_MS", "150");
    private static final List<Integer> ALL = List.of(0, 1, 2, 3);

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace().with("PURGELINE_SAVES_PARTITIONS", "4");

    private final List<SaverWorker> savers = new ArrayList<>();

    @AfterEach
    void stopSavers() {
        savers.forEach(SaverWorker::close);
    }

    @Test
    void aSaverThatDiesWithoutLettingGoLosesItsPartitionsOnceTheirLeasesExpire() throws Exception {
        SaverWorker dying = saver();
        SaverWorker survivor = saver();
        await().atMost(PATIENCE).until(() -> held(dying).size() == 2 && held(survivor).size() == 2);
        List<Integer> orphaned = held(dying);
        String dyingId = (String) SaverInstances.stats(dying).get("saver_id");
        String survivorId = (String) SaverInstances.stats(survivor).get("saver_id");

        dying.halt();

        assertThat(orphaned).as("not released: the leases still name the dead saver")
                .allSatisfy(p -> assertThat(lease(p)).startsWith(dyingId + "|"));
        await().atMost(PATIENCE).until(() -> held(survivor).equals(ALL));
        assertThat(ALL).allSatisfy(p -> assertThat(lease(p)).startsWith(survivorId + "|"));
        try (Tap events = ns.tap(ns.topology().eventsExchange(), "task.completed")) {
            List<String> tasks = IntStream.range(0, 20).mapToObj(i -> newTaskId()).toList();
            for (String task : tasks) {
                ns.publisher().publish(List.of(save(ns, created(task, "e1")), save(ns, outcomes(task,
                        done(task, "e1")))));
            }
            assertThat(tasks).as("saves of every partition flow again").allSatisfy(task -> events.await(
                    "task.completed", TaskEvent.class, e -> e.taskId().equals(task), PATIENCE));
        }
    }

    @Test
    void aSaverWhoseLeaseIsTakenStopsConsumingThatPartitionAtOnce() throws Exception {
        SaverWorker saver = saver();
        await().atMost(PATIENCE).until(() -> held(saver).equals(ALL));
        String queue = ns.topology().savesQueue(0);
        assertThat(consumers(queue)).isEqualTo(1);

        // Someone else holds partition 0 now, for two seconds (as after a pause longer than the lease's TTL).
        ns.redis().set(ns.keys().lease("saves.0"), "intruder|1", SetParams.setParams().px(2000));

        await().atMost(PATIENCE).until(() -> consumers(queue) == 0);
        assertThat(held(saver)).containsExactly(1, 2, 3);
        await("takes it back once the intruder's lease expired").atMost(PATIENCE)
                .until(() -> held(saver).equals(ALL) && consumers(queue) == 1);
    }

    private SaverWorker saver() throws Exception {
        SaverWorker saver = SaverInstances.start(ns, FAST_TICKS);
        savers.add(saver);
        return saver;
    }

    private static String lease(int partition) {
        return ns.redis().get(ns.keys().lease("saves." + partition));
    }

    private static int consumers(String queue) {
        int[] n = new int[1];
        ns.broker().withChannel(ch -> n[0] = ch.queueDeclarePassive(queue).getConsumerCount());
        return n[0];
    }
}
