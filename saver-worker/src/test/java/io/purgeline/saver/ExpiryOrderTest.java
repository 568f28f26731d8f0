package io.purgeline.saver;

import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A batch of saves is applied in the partition's order where it matters: around a task's expiry. */
class ExpiryOrderTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec codec = Codec.standard();
    private static SaveHandler handler;
    private static Tap events;

    @BeforeAll
    static void wire() {
        TaskStore store = new JdbiTaskStore(ns.database().jdbi(), codec, Clock.systemUTC(),
                new ExpiryReasons(ns.redis(), ns.keys()));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        handler = new SaveHandler(store, new TaskFinisher(store, ns.redis(), ns.keys(), ns.publisher(),
                ns.topology(), meters.counter("events"), meters.counter("expired")), meters.counter("applied"));
        events = ns.tap(ns.topology().eventsExchange(), "#");
    }

    @AfterAll
    static void close() throws Exception {
        events.close();
    }

    @Test
    void aResultAfterTheExpiryInTheSameBatchFindsItsNodeExpired() {
        String task = newTaskId();

        handler.handle(List.of(
                new Save.Created(created(task, "e1", "e2")),
                new Save.Outcomes(outcomes(task, done(task, "e1"))),
                new Save.Expiry(new TaskExpiry(task, Instant.now())),
                new Save.Outcomes(outcomes(task, done(task, "e2")))));

        TaskEvent event = awaitEvent(task);
        assertThat(event.state()).isEqualTo("expired");
        assertThat(List.of(event.done(), event.expired())).containsExactly(1, 1);
        assertThat(subtaskStates(task)).containsExactly("done", "expired");
    }

    @Test
    void resultsBeforeTheExpiryInTheSameBatchAllCount() {
        String task = newTaskId();

        handler.handle(List.of(
                new Save.Created(created(task, "e1", "e2")),
                new Save.Outcomes(outcomes(task, done(task, "e1"))),
                new Save.Outcomes(outcomes(task, done(task, "e2"))),
                new Save.Expiry(new TaskExpiry(task, Instant.now()))));

        TaskEvent event = awaitEvent(task);
        assertThat(event.state()).isEqualTo("completed");
        assertThat(List.of(event.done(), event.expired())).containsExactly(2, 0);
        assertThat(subtaskStates(task)).containsExactly("done", "done");
    }

    /** The task's final event, whichever it is. */
    private static TaskEvent awaitEvent(String task) {
        return await().atMost(PATIENCE).until(() -> events.seen().stream().map(s -> s.as(codec, TaskEvent.class))
                .filter(e -> e.taskId().equals(task)).findFirst(), Optional::isPresent).orElseThrow();
    }

    private static List<String> subtaskStates(String task) {
        return ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state FROM subtasks WHERE task_id = :t ORDER BY node_id").bind("t", task)
                .mapTo(String.class).list());
    }
}
