package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.contracts.DispatchBatch;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.service.Refusals;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
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
        Customers customers = new Customers(ns.database().jdbi(), "test-master");
        customers.create("acme", "Acme", List.of("www.example.com"));
        customers.create("beta", "Beta", List.of("*.beta.example"));
        intake = new TaskIntake(new TaskValidator(TaskValidator.DEFAULT_MAX_TARGETS), new CustomerAdmission(customers),
                new Refusals(new SimpleMeterRegistry()), nodes, new TaskExpander(50),
                new ExpansionPublisher(ns.publisher(), ns.topology(), 50), new AcceptedMarkers(ns.redis(), ns.keys()),
                new TaskEvents(ns.publisher(), ns.topology()), new IntakeCounters(new SimpleMeterRegistry()));
    }

    @AfterAll
    static void close() throws Exception {
        saves.close();
    }

    @Test
    void eachSubmissionOfABatchIsDecidedOnItsOwnAndATaskIdNamedTwiceIsAcceptedOnce() {
        List<TaskIntake.Result> results = intake.acceptAll(List.of(
                Submissions.refresh("https://www.example.com/1.js").taskId("acme:batch-1").build(),
                Submissions.refresh("ftp://nope").taskId("acme:batch-bad").build(),
                Submissions.refresh("https://www.example.com/2.js").taskId("acme:batch-2").build(),
                Submissions.refresh("https://www.example.com/2.js").taskId("acme:batch-2").build()));

        assertThat(results).containsExactly(
                new TaskIntake.Accepted("acme:batch-1", 1),
                new TaskIntake.Rejected("urls[0]: 'ftp://nope' is not an http(s) URL"),
                new TaskIntake.Accepted("acme:batch-2", 1),
                new TaskIntake.Duplicate("acme:batch-2"));
        assertThat(ns.redis().get(ns.keys().accepted("acme:batch-1"))).isEqualTo("1");
        assertThat(ns.redis().get(ns.keys().accepted("acme:batch-2"))).isEqualTo("1");
        saves.awaitCreated(c -> c.taskId().equals("acme:batch-2"), Duration.ofSeconds(10));
        assertThat(saves.created(c -> List.of("acme:batch-1", "acme:batch-2", "acme:batch-bad").contains(c.taskId())))
                .extracting(TaskCreated::taskId).containsExactlyInAnyOrder("acme:batch-1", "acme:batch-2");
    }

    @Test
    void smallTasksAcceptedTogetherShareALaneMessagePerPriority() throws Exception {
        try (QueueReader lane = QueueReader.open(ns, List.of(ns.topology().laneQueue(Lane.FAST)))) {
            intake.acceptAll(List.of(
                    Submissions.refresh("https://www.example.com/4.js").taskId("acme:pack-1").build(),
                    Submissions.refresh("https://www.example.com/4.js").taskId("acme:pack-2").priority(7).build(),
                    Submissions.refresh("https://www.example.com/4.js").taskId("acme:pack-3").build()));

            QueueReader.Got packed = lane.await(DispatchBatch.MESSAGE_TYPE, DispatchBatch.class,
                    b -> b.messages().stream().anyMatch(m -> m.taskId().startsWith("acme:pack-")),
                    Duration.ofSeconds(10));
            assertThat(packed.as(ns.config().codec(), DispatchBatch.class).messages())
                    .extracting(DispatchMessage::taskId).containsExactly("acme:pack-1", "acme:pack-3");
            assertThat(packed.props().getPriority()).isEqualTo(5);
            QueueReader.Got alone = lane.await(DispatchMessage.MESSAGE_TYPE, DispatchMessage.class,
                    m -> m.taskId().equals("acme:pack-2"), Duration.ofSeconds(10));
            assertThat(alone.props().getPriority()).isEqualTo(7);
            assertThat(alone.props().getMessageId()).isEqualTo("acme:pack-2/dispatch/0");
        }
    }

    @Test
    void tasksWithManyLongUrlsAreNotPackedBeyondTheBoundOfTargets() throws Exception {
        // 100 URLs of about 400 characters: 40 KiB of targets each, two would pass the bound.
        String[] urls = IntStream.range(0, 100).mapToObj(i -> "https://www.example.com/" + "a".repeat(370) + "/" + i)
                .toArray(String[]::new);
        try (QueueReader lane = QueueReader.open(ns, List.of(ns.topology().laneQueue(Lane.FAST)))) {
            intake.acceptAll(List.of(
                    Submissions.refresh(urls).taskId("acme:long-1").build(),
                    Submissions.refresh(urls).taskId("acme:long-2").build()));

            for (String task : List.of("acme:long-1", "acme:long-2")) {
                assertThat(lane.await(DispatchMessage.MESSAGE_TYPE, DispatchMessage.class,
                        m -> m.taskId().equals(task), Duration.ofSeconds(10)).props().getMessageId())
                        .isEqualTo(task + "/dispatch/0");
            }
        }
    }

    @Test
    void aTaskAcceptedInAnEarlierBatchIsADuplicate() {
        intake.acceptAll(List.of(Submissions.refresh("https://www.example.com/3.js").taskId("acme:batch-3").build()));

        assertThat(intake.acceptAll(List.of(
                Submissions.refresh("https://www.example.com/3.js").taskId("acme:batch-3").build())))
                .containsExactly(new TaskIntake.Duplicate("acme:batch-3"));
    }

    @Test
    void taskIdsAreScopedToTheirCustomerSoNoCustomerTakesAnothersId() {
        List<TaskIntake.Result> results = intake.acceptAll(List.of(
                Submissions.refresh("https://www.example.com/4.js").taskId("order-4").build(),
                Submissions.refresh("https://img.beta.example/4.js").apiId("beta").taskId("order-4").build(),
                Submissions.refresh("https://www.example.com/5.js").build()));

        assertThat(results.subList(0, 2)).containsExactly(new TaskIntake.Accepted("acme:order-4", 1),
                new TaskIntake.Accepted("beta:order-4", 1));
        assertThat(((TaskIntake.Accepted) results.get(2)).taskId()).matches("acme:[0-9a-f]{24}");
    }

    @Test
    void aTargetOutsideTheCustomersDomainsIsRefusedNamingIt() {
        assertThat(intake.acceptAll(List.of(Submissions.refresh("https://www.example.com/ok.js",
                        "https://img.beta.example/theirs.js").taskId("grab").build())))
                .containsExactly(new TaskIntake.Refused("foreign_domain", "target 'https://img.beta.example/theirs.js'"
                        + " is outside the domains of customer 'acme' (www.example.com)"));
        assertThat(intake.acceptAll(List.of(Submissions.refresh("https://beta.example/x.js").apiId("beta").build())))
                .as("a wildcard covers the names under the domain, not the domain itself")
                .singleElement().isInstanceOf(TaskIntake.Refused.class);
        assertThat(intake.acceptAll(List.of(Submissions.refresh("https://a.b.beta.example/x.js").apiId("beta")
                .build()))).singleElement().isInstanceOf(TaskIntake.Accepted.class);
    }

    @Test
    void aTaskOfAnUnknownCustomerIsRefused() {
        assertThat(intake.acceptAll(List.of(Submissions.refresh("https://www.example.com/x.js").apiId("nobody")
                .build())))
                .containsExactly(new TaskIntake.Refused("unknown_customer", "api_id 'nobody' is not a customer of"
                        + " this purgeline; an operator creates customers (POST /v1/customers)"));
    }
}
