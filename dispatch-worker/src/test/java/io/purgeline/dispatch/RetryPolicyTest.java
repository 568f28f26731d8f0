package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-node retry decisions (pure logic: 3 attempts, backoff 1 s then 5 s). */
class RetryPolicyTest {
    private static final PurgelineConfig config = PurgelineConfig.from(new Env(Map.of(
            "PURGELINE_NAMESPACE", "rp", "PURGELINE_RETRY_DELAYS_MS", "1000,5000",
            "PURGELINE_DISPATCH_MAX_ATTEMPTS", "3")));
    private static final Topology topology = Topology.of(config);
    private static final RetryPolicy policy = new RetryPolicy(config, topology);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aFirstFailureGoesToTheFirstRetryQueueWithOnlyThatNode() {
        RetryPolicy.Plan plan = policy.plan(message(), Lane.FAST,
                List.of(Delivery.unanswered(new Assignment("t@b", "b", "10.0.0.2:8090", 1), "Connection refused")),
                NOW);

        assertThat(plan.givenUp()).isEmpty();
        Outgoing retry = plan.messages().get(0);
        assertThat(plan.messages()).hasSize(1);
        assertThat(retry.exchange()).isEmpty();
        assertThat(retry.routingKey()).isEqualTo(topology.retryQueue(Lane.FAST, Duration.ofSeconds(1)));
        assertThat(retry.type()).isEqualTo(DispatchMessage.MESSAGE_TYPE);
        assertThat(retry.priority()).isEqualTo(7);
        assertThat(retry.correlationId()).isEqualTo("t");
        assertThat(((DispatchMessage) retry.payload()).assignments())
                .containsExactly(new Assignment("t@b", "b", "10.0.0.2:8090", 2));
    }

    @Test
    void theSecondRetryWaitsTheSecondDelay() {
        RetryPolicy.Plan plan = policy.plan(message(), Lane.SLOW,
                List.of(Delivery.refused(new Assignment("t@b", "b", "10.0.0.2:8090", 2), 503, "answered 503")), NOW);

        assertThat(plan.messages()).singleElement().extracting(Outgoing::routingKey)
                .isEqualTo(topology.retryQueue(Lane.SLOW, Duration.ofSeconds(5)));
    }

    @Test
    void aNodeOutOfAttemptsIsSavedAsFailedWithTheReason() {
        RetryPolicy.Plan plan = policy.plan(message(), Lane.FAST, List.of(
                Delivery.unanswered(new Assignment("t@c", "c", "10.0.0.3:8090", 3), "Connection refused"),
                Delivery.unanswered(new Assignment("t@d", "d", "10.0.0.4:8090", 1), "Connection refused")), NOW);

        assertThat(plan.messages()).hasSize(3);
        Outgoing save = plan.messages().get(1);
        assertThat(save.exchange()).as("the default exchange").isEmpty();
        assertThat(save.routingKey()).isEqualTo(topology.savesQueue(topology.savesPartition("t")));
        assertThat(save.type()).isEqualTo(SubtaskOutcomes.MESSAGE_TYPE);
        assertThat(save.correlationId()).isEqualTo("t");
        assertThat(((SubtaskOutcomes) save.payload()).outcomes()).singleElement().satisfies(o -> {
            assertThat(o.subtaskId()).isEqualTo("t@c");
            assertThat(o.state()).isEqualTo(SubtaskState.FAILED);
            assertThat(o.attempts()).isEqualTo(3);
            assertThat(o.httpCode()).isNull();
            assertThat(o.error()).isEqualTo("agent at 10.0.0.3:8090 unreachable after 3 attempts: Connection refused");
            assertThat(o.finishedAt()).isEqualTo(NOW);
        });
        assertThat(plan.givenUp()).extracting(d -> d.assignment().nodeId()).containsExactly("c");
    }

    @Test
    void aNodeOutOfAttemptsIsParkedInTheDeadQueueAloneWithTheReasonAndItsLane() {
        RetryPolicy.Plan plan = policy.plan(message(), Lane.SLOW, List.of(
                Delivery.refused(new Assignment("t@c", "c", "10.0.0.3:8090", 3), 500, "answered 500")), NOW);

        Outgoing dead = plan.messages().get(plan.messages().size() - 1);
        assertThat(dead.exchange()).isEqualTo(topology.deadExchange());
        assertThat(dead.routingKey()).isEqualTo(Topology.Area.DISPATCH.key());
        assertThat(dead.type()).isEqualTo(DispatchMessage.MESSAGE_TYPE);
        assertThat(dead.priority()).isEqualTo(7);
        assertThat(dead.correlationId()).isEqualTo("t");
        assertThat(dead.headers())
                .containsEntry(Topology.DEAD_REASON_HEADER, "agent at 10.0.0.3:8090 refused the batch after 3 attempts:"
                        + " answered 500")
                .containsEntry(Topology.DEAD_SOURCE_HEADER, topology.laneQueue(Lane.SLOW));
        assertThat(((DispatchMessage) dead.payload()).assignments())
                .containsExactly(new Assignment("t@c", "c", "10.0.0.3:8090", 3));
    }

    @Test
    void aDeliveryThatCannotSucceedIsGivenUpAtOnce() {
        RetryPolicy.Plan plan = policy.plan(message(), Lane.FAST, List.of(
                Delivery.impossible(new Assignment("t@e", "e", "nowhere", 1), "address 'nowhere' is not host:port")),
                NOW);

        assertThat(plan.messages()).extracting(Outgoing::exchange)
                .containsExactly("", topology.deadExchange());
        assertThat(plan.givenUp()).hasSize(1);
    }

    private static DispatchMessage message() {
        return new DispatchMessage("t", "c", TaskType.REFRESH, List.of("https://www.example.com/a.js"),
                TaskOptions.NONE, 7, Lane.FAST, NOW.plusSeconds(600), List.of());
    }
}
