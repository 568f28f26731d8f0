package io.purgeline.saver;

import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskFinisherTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec codec = Codec.standard();
    private static TaskStore store;
    private static SaveHandler handler;
    private static Tap events;

    @BeforeAll
    static void wire() {
        store = new JdbiTaskStore(ns.database().jdbi(), codec, Clock.systemUTC(),
                new ExpiryReasons(ns.redis(), ns.keys()));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TaskFinisher finisher = new TaskFinisher(store, ns.redis(), ns.keys(), ns.publisher(), ns.topology(),
                meters.counter("events"), meters.counter("expired"));
        handler = new SaveHandler(store, finisher, meters.counter("applied"));
        events = ns.tap(ns.topology().eventsExchange(), "#");
    }

    @AfterAll
    static void close() throws Exception {
        events.close();
    }

    @Test
    void anEventLostToACrashAfterCommitIsPublishedWhenTheBatchIsRedelivered() {
        String task = newTaskId();
        TaskCreated creation = created(task, "e1", "e2");
        SubtaskOutcomes results = outcomes(task, done(task, "e1"), done(task, "e2"));
        // The first delivery committed, then the process died before Redis and the event.
        store.apply(List.of(creation), List.of(results), List.of());
        assertThat(eventSent(task)).isFalse();

        handler.handle(List.of(new Save.Created(creation), new Save.Outcomes(results)));

        TaskEvent event = events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(task), PATIENCE);
        assertThat(List.of(event.total(), event.done())).containsExactly(2, 2);
        assertThat(eventSent(task)).isTrue();
        assertThat(ns.redis().hgetAll(ns.keys().task(task))).isEqualTo(
                Map.of("total", "2", "done", "2", "failed", "0", "expired", "0", "state", "completed"));
    }

    @Test
    void aTaskAlreadyAnnouncedIsNotAnnouncedAgainWhenItsSavesAreRedelivered() {
        String task = newTaskId();
        List<Save> batch = List.of(new Save.Created(created(task, "e1")), new Save.Outcomes(outcomes(task,
                done(task, "e1"))));
        handler.handle(batch);
        events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(task), PATIENCE);

        handler.handle(batch);

        // Events are confirmed before handle returns, so any second one is queued ahead of a later marker.
        String marker = newTaskId();
        handler.handle(List.of(new Save.Created(created(marker, "e1")), new Save.Outcomes(outcomes(marker,
                done(marker, "e1")))));
        events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(marker), PATIENCE);
        assertThat(events.seen()).filteredOn(s -> s.as(codec, TaskEvent.class).taskId().equals(task)).hasSize(1);
    }

    private static boolean eventSent(String task) {
        return ns.database().jdbi().withHandle(h -> h.createQuery("SELECT event_sent FROM tasks WHERE task_id = :t")
                .bind("t", task).mapTo(Boolean.class).one());
    }
}
