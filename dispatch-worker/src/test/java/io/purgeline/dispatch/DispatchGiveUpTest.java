package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.Inbound;
import io.purgeline.testkit.TestNamespace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.Connection;

/** A lane message given up on ends its nodes failed with the reason, so its task ends now, not at its deadline. */
class DispatchGiveUpTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    @Test
    void theNodesOfAMessageGivenUpOnAreRecordedFailedWithTheReason() throws Exception {
        DispatchHandler handler = new DispatchHandler(Lane.FAST, null, null, null, Duration.ofSeconds(1),
                ns.publisher(), ns.topology(), Clock.systemUTC(), new SimpleMeterRegistry());
        DispatchMessage message = new DispatchMessage("t-given-up", "acme", TaskType.REFRESH,
                List.of("https://www.example.com/a.js"), null, 5, Lane.FAST, Instant.now().plusSeconds(600),
                List.of(new Assignment("t-given-up@e1", "e1", "10.0.0.1:8090", 2),
                        new Assignment("t-given-up@e2", "e2", "10.0.0.2:8090", 1)));

        handler.giveUp(message, "failed 5 times, last: IllegalStateException: boom");

        // Saves queues have a single active consumer and refuse basic.get: consume them.
        List<SubtaskOutcomes> saves = new CopyOnWriteArrayList<>();
        try (Connection connection = ns.broker().connectionFactory().createConnection();
                Channel channel = connection.createChannel(false)) {
            for (String q : ns.topology().savesQueues()) {
                channel.basicConsume(q, true, (tag, delivery) -> {
                    MessageProperties p = new MessageProperties();
                    p.setContentEncoding(delivery.getProperties().getContentEncoding());
                    saves.add(new Inbound(new Message(delivery.getBody(), p)).decode(ns.config().codec(),
                            SubtaskOutcomes.class));
                }, tag -> { });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !saves.isEmpty());
        }
        assertThat(saves).singleElement().satisfies(s -> {
            assertThat(s.taskId()).isEqualTo("t-given-up");
            assertThat(s.outcomes()).extracting(SubtaskOutcome::nodeId).containsExactly("e1", "e2");
            assertThat(s.outcomes()).allSatisfy(o -> {
                assertThat(o.state()).isEqualTo(SubtaskState.FAILED);
                assertThat(o.error()).isEqualTo("the delivery could not be handled (failed 5 times, last: "
                        + "IllegalStateException: boom)");
            });
        });
    }
}
