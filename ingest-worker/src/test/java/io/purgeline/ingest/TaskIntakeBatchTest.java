package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Submissions decided together: each on its own, one publish for all, a task id named twice accepted once. */
class TaskIntakeBatchTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static QueueReader saves;
    private static TaskIntake intake;

    @BeforeAll
    static void wire() throws Exception {
        NodeRegistry nodes = new NodeRegistry(ns.database().jdbi(), ns.registeredNodes());
        nodes.register(new NodeRegistration("edge-1", "10.0.0.1:8090", 2, "eu"));
        saves = QueueReader.open(ns, ns.topology().savesQueues());
        intake = new TaskIntake(new TaskValidator(TaskValidator.DEFAULT_MAX_TARGETS), nodes, new TaskExpander(50),
                new ExpansionPublisher(ns.publisher(), ns.topology()), new AcceptedMarkers(ns.redis(), ns.keys()),
                new TaskEvents(ns.publisher(), ns.topology()), new IntakeCounters(new SimpleMeterRegistry()));
    }

    @AfterAll
    static void close() throws Exception {
        saves.close();
    }

    @Test
    void eachSubmissionOfABatchIsDecidedOnItsOwnAndATaskIdNamedTwiceIsAcceptedOnce() {
        List<TaskIntake.Result> results = intake.acceptAll(List.of(
                Submissions.refresh("https://www.example.com/1.js").taskId("batch-1").build(),
                Submissions.refresh("ftp://nope").taskId("batch-bad").build(),
                Submissions.refresh("https://www.example.com/2.js").taskId("batch-2").build(),
                Submissions.refresh("https://www.example.com/2.js").taskId("batch-2").build()));

        assertThat(results).containsExactly(
                new TaskIntake.Accepted("batch-1", 1),
                new TaskIntake.Rejected("urls[0]: 'ftp://nope' is not an http(s) URL"),
                new TaskIntake.Accepted("batch-2", 1),
                new TaskIntake.Duplicate("batch-2"));
        assertThat(ns.redis().get(ns.keys().accepted("batch-1"))).isEqualTo("1");
        assertThat(ns.redis().get(ns.keys().accepted("batch-2"))).isEqualTo("1");
        saves.await(TaskCreated.MESSAGE_TYPE, TaskCreated.class, c -> c.taskId().equals("batch-2"),
                Duration.ofSeconds(10));
        assertThat(saves.bodies(TaskCreated.MESSAGE_TYPE, TaskCreated.class, c -> List.of("batch-1", "batch-2", "batch-bad").contains(c.taskId())))
                .extracting(TaskCreated::taskId).containsExactlyInAnyOrder("batch-1", "batch-2");
    }

    @Test
    void aTaskAcceptedInAnEarlierBatchIsADuplicate() {
        intake.acceptAll(List.of(Submissions.refresh("https://www.example.com/3.js").taskId("batch-3").build()));

        assertThat(intake.acceptAll(List.of(
                Submissions.refresh("https://www.example.com/3.js").taskId("batch-3").build())))
                .containsExactly(new TaskIntake.Duplicate("batch-3"));
    }
}
