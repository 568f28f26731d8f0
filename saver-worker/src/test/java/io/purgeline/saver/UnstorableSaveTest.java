package io.purgeline.saver;

import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A save MariaDB refuses for good (a 70 KB header in {@code options}, more than the TEXT column holds) must not stop
 * its partition: it is tried a few times, its task ends failed with the reason, it is parked in {@code saves.dead},
 * and every task after it, on every partition, completes.
 */
class UnstorableSaveTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Enough tasks that every one of the 4 partitions gets some (a miss is a 4 * 0.75^64 chance). */
    private static final int ORDINARY = 64;

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static SaverWorker worker;
    private static Tap events;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_SAVES_PARTITIONS", "4");
        worker = SaverWorker.start(new Env(env));
        events = ns.tap(ns.topology().eventsExchange(), "#");
    }

    @AfterAll
    static void stop() throws Exception {
        events.close();
        worker.close();
    }

    @Test
    void anUnstorableTaskEndsFailedWithTheReasonIsParkedAndEveryPartitionKeepsCompletingTasks() throws Exception {
        String bad = newTaskId();
        TaskCreated ordinaryShape = created(bad, "e1", "e2");
        TaskCreated unstorable = new TaskCreated(bad, "acme", ordinaryShape.type(), ordinaryShape.targets(),
                new TaskOptions(null, null, null, Map.of("X-Huge", "v".repeat(70_000))), 5, ordinaryShape.lane(),
                ordinaryShape.acceptedAt(), ordinaryShape.deadlineAt(), ordinaryShape.subtasks());
        publish(unstorable);
        List<String> ordinary = new ArrayList<>();
        for (int i = 0; i < ORDINARY; i++) {
            String task = newTaskId();
            ordinary.add(task);
            publish(created(task, "e1"));
            publish(outcomes(task, done(task, "e1")));
        }

        for (String task : ordinary) {
            assertThat(events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(task), PATIENCE)
                    .done()).isEqualTo(1);
        }
        TaskEvent failed = events.await("task.failed", TaskEvent.class, e -> e.taskId().equals(bad), PATIENCE);
        assertThat(List.of(failed.total(), failed.done(), failed.failed(), failed.expired()))
                .containsExactly(2, 0, 2, 0);
        assertThat(failed.failedNodes()).hasSize(2).allSatisfy(n -> assertThat(n.reason())
                .startsWith("the task could not be stored (failed 5 times")
                .contains("options"));

        String dead = ns.topology().deadQueue(Topology.Area.SAVES);
        await().atMost(PATIENCE).until(() -> ns.depth(dead) == 1);
        GetResponse parked = get(dead);
        assertThat(parked.getProps().getCorrelationId()).isEqualTo(bad);
        assertThat(parked.getProps().getHeaders().get(Topology.DEAD_REASON_HEADER).toString())
                .startsWith("failed 5 times, last: ");
        for (String q : ns.topology().savesQueues()) {
            await().atMost(PATIENCE).until(() -> ns.depth(q) == 0);
        }
        assertThat(metrics()).contains("purgeline_dead_letters_total{area=\"saves\",reason=\""
                + DeadLetters.FAILED_REPEATEDLY + "\"");
    }

    private static void publish(TaskCreated created) {
        ns.publisher().publish(ns.topology().save(created.taskId(), TaskCreated.MESSAGE_TYPE,
                created).correlationId(created.taskId()));
    }

    private static void publish(SubtaskOutcomes outcomes) {
        ns.publisher().publish(ns.topology().save(outcomes.taskId(),
                SubtaskOutcomes.MESSAGE_TYPE, outcomes).correlationId(outcomes.taskId()));
    }

    private static GetResponse get(String queue) {
        GetResponse[] r = new GetResponse[1];
        ns.broker().withChannel(ch -> r[0] = ch.basicGet(queue, true));
        return r[0];
    }

    private static String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + worker.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
