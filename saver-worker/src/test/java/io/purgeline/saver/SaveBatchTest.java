package io.purgeline.saver;

import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.SaveBatch;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.SaveMessages;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
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
 * Saves of several tasks in one {@code save.batch} message: every task is recorded as if its saves had come alone, and a
 * bad part (one that does not check, or one MariaDB refuses) ends only its own task, never the others of its batch.
 */
class SaveBatchTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static SaverWorker worker;
    private static Tap events;
    private static Tap dead;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = SaverWorker.start(new Env(env));
        events = ns.tap(ns.topology().eventsExchange(), "#");
        dead = ns.tap(ns.topology().deadExchange(), Topology.Area.SAVES.key());
    }

    @AfterAll
    static void stop() throws Exception {
        events.close();
        dead.close();
        worker.close();
    }

    @Test
    void theTasksOfABatchAreEachRecordedAndCompleted() {
        List<String> tasks = onePartition(6);
        List<TaskCreated> created = tasks.stream().map(t -> created(t, "e1", "e2")).toList();
        List<SubtaskOutcomes> results = tasks.stream().map(t -> outcomes(t, done(t, "e1"), done(t, "e2"))).toList();

        List<Outgoing> creations = SaveMessages.of(ns.topology(), created, List.of());
        List<Outgoing> outcomes = SaveMessages.of(ns.topology(), List.of(), results);
        assertThat(creations).singleElement().extracting(Outgoing::type).isEqualTo(SaveBatch.MESSAGE_TYPE);
        assertThat(outcomes).singleElement().extracting(Outgoing::type).isEqualTo(SaveBatch.MESSAGE_TYPE);
        ns.publisher().publish(creations);
        ns.publisher().publish(outcomes);

        for (String task : tasks) {
            TaskEvent completed = completed(task);
            assertThat(List.of(completed.total(), completed.done(), completed.failed())).containsExactly(2, 2, 0);
        }
    }

    @Test
    void aPartThatDoesNotCheckIsLeftOutTheOthersAreRecordedAndTheMessageIsParkedWithTheReason() {
        List<String> tasks = onePartition(3);
        TaskCreated good = created(tasks.get(0), "e1");
        TaskCreated noSubtasks = new TaskCreated(tasks.get(1), "acme", good.type(), good.targets(), good.options(), 5,
                good.lane(), good.acceptedAt(), good.deadlineAt(), null);
        TaskCreated alsoGood = created(tasks.get(2), "e1");
        ns.publisher().publish(ns.topology().save(tasks.get(0), SaveBatch.MESSAGE_TYPE,
                new SaveBatch(List.of(good, noSubtasks, alsoGood), List.of(outcomes(tasks.get(0),
                        done(tasks.get(0), "e1")), outcomes(tasks.get(2), done(tasks.get(2), "e1"))))));

        assertThat(completed(tasks.get(0)).done()).isEqualTo(1);
        assertThat(completed(tasks.get(2)).done()).isEqualTo(1);
        Tap.Seen parked = awaitParked(tasks.get(1));
        assertThat(reason(parked)).startsWith("save.batch: 1 part(s) left out: task.created " + tasks.get(1)
                + " has no subtasks list");
    }

    @Test
    void aPartMariaDbRefusesEndsItsTaskFailedAndTheOtherTasksOfItsBatchComplete() {
        List<String> tasks = onePartition(4);
        String bad = tasks.get(1);
        List<TaskCreated> created = new ArrayList<>();
        List<SubtaskOutcomes> results = new ArrayList<>();
        for (String task : tasks) {
            TaskCreated c = created(task, "e1");
            // More than the options column holds: refused by MariaDB on every try.
            created.add(!task.equals(bad) ? c : new TaskCreated(bad, "acme", c.type(), c.targets(),
                    new TaskOptions(null, null, null, Map.of("X-Huge", "v".repeat(70_000))), 5, c.lane(),
                    c.acceptedAt(), c.deadlineAt(), c.subtasks()));
            results.add(outcomes(task, done(task, "e1")));
        }
        ns.publisher().publish(SaveMessages.of(ns.topology(), created, results));

        for (String task : tasks) {
            if (!task.equals(bad)) {
                assertThat(completed(task).done()).isEqualTo(1);
            }
        }
        TaskEvent failed = events.await("task.failed", TaskEvent.class, e -> e.taskId().equals(bad), PATIENCE);
        assertThat(failed.failedNodes()).singleElement().satisfies(n -> assertThat(n.reason())
                .startsWith("the task could not be stored (failed 5 times"));
        assertThat(reason(awaitParked(bad))).startsWith("failed 5 times, last: ");
    }

    /** Fresh task ids that all fall on one partition, so that their saves share a message. */
    private static List<String> onePartition(int count) {
        Topology topology = ns.topology();
        String first = newTaskId();
        List<String> tasks = new ArrayList<>(List.of(first));
        while (tasks.size() < count) {
            String next = newTaskId();
            if (topology.savesPartition(next) == topology.savesPartition(first)) {
                tasks.add(next);
            }
        }
        return tasks;
    }

    private static TaskEvent completed(String task) {
        return events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(task), PATIENCE);
    }

    private static Tap.Seen awaitParked(String task) {
        Tap.Seen[] found = new Tap.Seen[1];
        await().atMost(PATIENCE).until(() -> {
            found[0] = dead.seen().stream().filter(s -> Codec.inflate(s.body(), s.contentEncoding()).contains(task))
                    .findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static String reason(Tap.Seen parked) {
        return String.valueOf(parked.headers().get(Topology.DEAD_REASON_HEADER));
    }
}
