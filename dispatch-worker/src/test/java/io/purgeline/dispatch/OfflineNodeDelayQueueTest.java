package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.ParkedWorkReplayer;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-node delay queue in Redis (runtime {@link OfflineNodes} and {@link ParkedWorkReplayer}) on the real Redis
 * and broker, without a dispatch-worker: replays land in the fast lane queue, which nothing consumes here.
 */
class OfflineNodeDelayQueueTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterAll
    static void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void onlyTheFirstCallMarksANodeOffline() {
        OfflineNodes offline = offline();

        assertThat(offline.markOffline("edge-a", "connection refused", 1000)).isTrue();
        assertThat(offline.markOffline("edge-a", "no answer within 5000 ms", 2000)).isFalse();

        assertThat(offline.offline()).containsEntry("edge-a", new OfflineNodes.Offline(1000, "connection refused"));
    }

    @Test
    void aHeartbeatThatRacedInKeepsASilentNodeOnline() {
        OfflineNodes offline = offline();
        offline.heartbeat("edge-b", 5000);

        assertThat(offline.markOfflineIfSilent("edge-b", "missed heartbeats", 9000, 4000)).isFalse();
        assertThat(offline.markOfflineIfSilent("edge-b", "missed heartbeats", 9000, 5000)).isTrue();
    }

    @Test
    void workForAnOnlineNodeIsNotParked() {
        OfflineNodes offline = offline();

        assertThat(offline.park(delivery("t-online", "edge-c"))).isFalse();
        assertThat(offline.parked("edge-c")).isEmpty();
    }

    @Test
    void parkedWorkIsReplayedInBulkOnceWhenTheNodeReturns() {
        OfflineNodes offline = offline();
        offline.markOffline("edge-d", "connection refused", System.currentTimeMillis());
        int count = 1200; // more than two of the replayer's confirmed batches of 500
        List<DispatchMessage> work = IntStream.range(0, count).mapToObj(i -> delivery("t-bulk-" + i, "edge-d"))
                .toList();
        assertThat(offline.park(work)).containsOnly(true);
        long laneBefore = laneDepth();

        OfflineNodes.Comeback back = offline.comeBack("edge-d");

        assertThat(back.wasOffline().reason()).isEqualTo("connection refused");
        assertThat(back.moved()).isEqualTo(count);
        assertThat(offline.offlineAmong(List.of("edge-d"))).isEmpty();
        assertThat(offline.parked("edge-d")).isEmpty();
        assertThat(replayer("r1").replay("edge-d")).isEqualTo(count);
        assertThat(laneDepth() - laneBefore).isEqualTo(count);
        assertThat(offline.replaying("edge-d", 10)).isEmpty();
        assertThat(offline.replayingNodes()).doesNotContain("edge-d");
        assertThat(ns.redis().smembers(ns.keys().parkedNodes())).doesNotContain("edge-d");
        assertThat(offline.comeBack("edge-d").wasOffline()).as("back once, not twice").isNull();
        drainLane();
    }

    @Test
    void deliveriesParkedWhileTheNodeFlapsAreEachParkedOrReplayedExactlyOnce() throws Exception {
        OfflineNodes offline = offline();
        String node = "edge-flap";
        int parkers = 6;
        int perParker = 300;
        drainLane();
        offline.markOffline(node, "connection refused", System.currentTimeMillis());
        List<String> parked = Collections.synchronizedList(new ArrayList<>());
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean parking = new AtomicBoolean(true);
        List<Future<?>> parkingDone = new ArrayList<>();
        for (int p = 0; p < parkers; p++) {
            int parker = p;
            parkingDone.add(threads.submit(() -> {
                go.await();
                for (int i = 0; i < perParker; i++) {
                    String task = "t-flap-" + parker + "-" + i;
                    (offline.park(delivery(task, node)) ? parked : refused).add(task);
                }
                return null;
            }));
        }
        // The node goes offline and comes back over and over while two replayers (two processes) put work back.
        Future<?> flapping = threads.submit(() -> {
            go.await();
            while (parking.get()) {
                offline.markOffline(node, "connection refused", System.currentTimeMillis());
                offline.comeBack(node);
            }
            return null;
        });
        List<Future<?>> replaying = new ArrayList<>();
        for (String owner : List.of("replayer-1", "replayer-2")) {
            ParkedWorkReplayer replayer = replayer(owner);
            replaying.add(threads.submit(() -> {
                go.await();
                while (parking.get()) {
                    replayer.replay(node);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : parkingDone) {
            f.get();
        }
        parking.set(false);
        flapping.get();
        for (Future<?> f : replaying) {
            f.get();
        }

        List<String> seen = new ArrayList<>();
        offline.parked(node).forEach(json -> seen.add(taskOf(json)));
        offline.replaying(node, Integer.MAX_VALUE).forEach(json -> seen.add(taskOf(json)));
        long replayed = laneDepth();
        if (replayed > 0) {
            for (Tap.Seen s : ns.take(List.of(ns.topology().laneQueue(Lane.FAST)), (int) replayed,
                    Duration.ofSeconds(30))) {
                seen.add(s.as(ns.config().codec(), DispatchMessage.class).taskId());
            }
        }
        assertThat(parked.size() + refused.size()).isEqualTo(parkers * perParker);
        assertThat(parked).as("the flapping node both took and refused work").isNotEmpty();
        assertThat(refused).isNotEmpty();
        assertThat(seen).as("every parked delivery exactly once, parked, waiting for replay or replayed")
                .containsExactlyInAnyOrderElementsOf(parked);
    }

    /** Replayed deliveries go back to their lane as they were, with their priority. */
    @Test
    void aReplayedDeliveryKeepsItsLaneAndPriority() {
        OfflineNodes offline = offline();
        drainLane();
        offline.markOffline("edge-e", "connection refused", System.currentTimeMillis());
        offline.park(delivery("t-prio", "edge-e"));
        offline.comeBack("edge-e");

        replayer("r2").replay("edge-e");

        Tap.Seen seen = ns.take(List.of(ns.topology().laneQueue(Lane.FAST)), 1, Duration.ofSeconds(10)).get(0);
        assertThat(seen.properties().getPriority()).isEqualTo(6);
        assertThat(seen.properties().getType()).isEqualTo(DispatchMessage.MESSAGE_TYPE);
        assertThat(seen.properties().getCorrelationId()).isEqualTo("t-prio");
        assertThat(seen.as(ns.config().codec(), DispatchMessage.class).assignments())
                .containsExactly(new Assignment("t-prio@edge-e", "edge-e", "127.0.0.1:1", 2));
    }

    private static OfflineNodes offline() {
        return new OfflineNodes(ns.redis(), ns.keys(), ns.config().codec());
    }

    private static ParkedWorkReplayer replayer(String owner) {
        Alerts alerts = new Alerts(ns.publisher(), ns.topology(), "test");
        return new ParkedWorkReplayer(ns.redis(), ns.keys(), offline(), ns.publisher(), ns.topology(),
                new DeadLetters(ns.publisher(), ns.topology(), alerts), ns.config().codec(),
                owner + "-" + UUID.randomUUID());
    }

    private static DispatchMessage delivery(String taskId, String node) {
        return new DispatchMessage(taskId, "customer-1", TaskType.REFRESH, List.of("https://www.example.com/a.js"),
                TaskOptions.NONE, 6, Lane.FAST, Instant.now().plusSeconds(600),
                List.of(new Assignment(taskId + "@" + node, node, "127.0.0.1:1", 2)));
    }

    private static String taskOf(String json) {
        return ns.config().codec().fromJson(json, DispatchMessage.class).taskId();
    }

    private static long laneDepth() {
        return ns.depth(ns.topology().laneQueue(Lane.FAST));
    }

    private static void drainLane() {
        long n = laneDepth();
        if (n > 0) {
            ns.take(List.of(ns.topology().laneQueue(Lane.FAST)), (int) n, Duration.ofSeconds(30));
        }
    }
}
