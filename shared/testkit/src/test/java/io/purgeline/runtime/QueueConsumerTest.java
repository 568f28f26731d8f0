package io.purgeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.FailedNode;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/** The consumer plumbing every worker uses, on the real broker. */
class QueueConsumerTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private DeadLetters deadLetters() {
        return new DeadLetters(ns.publisher(), ns.topology(), new Alerts(ns.publisher(), ns.topology(), "test"));
    }

    private void publishRawToIngest(String body) {
        ns.broker().withChannel(ch -> ch.basicPublish(ns.topology().tasksExchange(), Topology.SUBMIT_KEY, null,
                body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aPoisonMessageIsParkedWithItsReasonAlertedAndTheNextMessageIsStillHandled() throws Exception {
        List<FailedNode> handled = new CopyOnWriteArrayList<>();
        Topology t = ns.topology();
        try (Tap alerts = ns.tap(t.alertsExchange(), "#");
                QueueConsumer consumer = QueueConsumer.single(ns.broker(),
                        QueueConsumer.Spec.of(t.ingestQueue(), Topology.Area.INGEST), deadLetters(),
                        in -> in.decode(ns.config().codec(), FailedNode.class), (v, in) -> handled.add(v))) {
            publishRawToIngest("{not json at all");
            publishRawToIngest("{\"node_id\": \"edge-1\", \"reason\": \"fine\"}");

            await().atMost(PATIENCE).until(() -> handled.size() == 1);
            assertThat(handled.get(0).nodeId()).isEqualTo("edge-1");
            await().atMost(PATIENCE).until(() -> ns.depth(t.deadQueue(Topology.Area.INGEST)) == 1);
            GetResponse parked = get(t.deadQueue(Topology.Area.INGEST));
            assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).isEqualTo("{not json at all");
            assertThat(parked.getProps().getHeaders().get(Topology.DEAD_REASON_HEADER).toString())
                    .contains("not a valid FailedNode");
            assertThat(parked.getProps().getHeaders().get(Topology.DEAD_SOURCE_HEADER).toString())
                    .isEqualTo(t.ingestQueue());
            Alert alert = alerts.await("warning.poison_message", Alert.class, a -> true, PATIENCE);
            assertThat(alert.source()).isEqualTo("test");
            assertThat(alert.message()).contains(t.deadQueue(Topology.Area.INGEST));
        }
    }

    @Test
    void aTransientFailureRequeuesTheMessageUntilItSucceeds() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Topology t = ns.topology();
        try (QueueConsumer consumer = QueueConsumer.single(ns.broker(),
                QueueConsumer.Spec.of(t.ingestQueue(), Topology.Area.INGEST)
                        .transientBackoff(Duration.ofMillis(50)), deadLetters(),
                in -> in.decode(ns.config().codec(), FailedNode.class), (v, in) -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("database briefly away");
                    }
                })) {
            publishRawToIngest("{\"node_id\": \"edge-1\"}");
            await().atMost(PATIENCE).until(() -> attempts.get() == 3);
            await().atMost(PATIENCE).until(() -> ns.depth(t.ingestQueue()) == 0);
            assertThat(ns.depth(t.deadQueue(Topology.Area.INGEST))).isZero();
        }
    }

    @Test
    void aBatchConsumerHandsOverManyMessagesAtOnceAndParksOnlyThePoisonOnes() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        AtomicInteger total = new AtomicInteger();
        Topology t = ns.topology();
        for (int i = 0; i < 50; i++) {
            publishRawToIngest(i == 7 ? "][" : "{\"node_id\": \"n" + i + "\"}");
        }
        try (QueueConsumer consumer = QueueConsumer.batch(ns.broker(),
                QueueConsumer.Spec.of(t.ingestQueue(), Topology.Area.INGEST), 20, Duration.ofMillis(50),
                deadLetters(), in -> in.decode(ns.config().codec(), FailedNode.class), values -> {
                    batchSizes.add(values.size());
                    total.addAndGet(values.size());
                })) {
            await().atMost(PATIENCE).until(() -> total.get() == 49);
            assertThat(batchSizes).anySatisfy(n -> assertThat(n).isGreaterThan(1));
            await().atMost(PATIENCE).until(() -> ns.depth(t.deadQueue(Topology.Area.INGEST)) == 1);
        }
        get(t.deadQueue(Topology.Area.INGEST));
    }

    @Test
    void aBatchOfLargeMessagesIsHandedOverInPartsOfBoundedSizeAndEveryMessageIsHandledOnce() throws Exception {
        List<Integer> partSizes = new CopyOnWriteArrayList<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        Topology t = ns.topology();
        String reason = "x".repeat(300_000); // four of them: more than one part's budget of 1 MiB
        for (int i = 0; i < 8; i++) {
            publishRawToIngest("{\"node_id\": \"big" + i + "\", \"reason\": \"" + reason + "\"}");
        }
        try (QueueConsumer consumer = QueueConsumer.batch(ns.broker(),
                QueueConsumer.Spec.of(t.ingestQueue(), Topology.Area.INGEST), 20, Duration.ofMillis(200),
                deadLetters(), in -> in.decode(ns.config().codec(), FailedNode.class), values -> {
                    partSizes.add(values.size());
                    values.forEach(v -> handled.add(v.nodeId()));
                })) {
            await().atMost(PATIENCE).until(() -> handled.size() == 8);
            assertThat(handled).doesNotHaveDuplicates();
            assertThat(partSizes).allSatisfy(n -> assertThat(n * 300_000L).isLessThanOrEqualTo(QueueConsumer.BATCH_BYTES));
            await().atMost(PATIENCE).until(() -> ns.depth(t.ingestQueue()) == 0);
        }
    }

    @Test
    void aMessageThatFailsEveryTimeIsGivenUpOnAfterTheLimitParkedWithTheReasonAndTheNextOneHandled()
            throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        List<String> gaveUp = new CopyOnWriteArrayList<>();
        AtomicInteger tries = new AtomicInteger();
        Topology t = ns.topology();
        try (QueueConsumer consumer = QueueConsumer.single(ns.broker(),
                QueueConsumer.Spec.of(t.ingestQueue(), Topology.Area.INGEST).transientBackoff(Duration.ofMillis(20))
                        .maxAttempts(3), deadLetters(),
                in -> in.decode(ns.config().codec(), FailedNode.class), (v, in) -> {
                    if (v.nodeId().equals("bad")) {
                        tries.incrementAndGet();
                        throw new IllegalArgumentException("value too long for its column");
                    }
                    handled.add(v.nodeId());
                }, (v, reason) -> gaveUp.add(v.nodeId() + ": " + reason))) {
            publishRawToIngest("{\"node_id\": \"bad\"}");
            publishRawToIngest("{\"node_id\": \"good\"}");

            await().atMost(PATIENCE).until(() -> handled.contains("good"));
            await().atMost(PATIENCE).until(() -> ns.depth(t.deadQueue(Topology.Area.INGEST)) == 1);
            assertThat(tries.get()).isEqualTo(3);
            assertThat(gaveUp).containsExactly(
                    "bad: failed 3 times, last: IllegalArgumentException: value too long for its column");
            assertThat(get(t.deadQueue(Topology.Area.INGEST)).getProps().getHeaders()
                    .get(Topology.DEAD_REASON_HEADER).toString()).startsWith("failed 3 times");
        }
    }

    @Test
    void aBatchIsSplitIntoRunsWithinTheByteBudgetAndAMessageLargerThanItStandsAlone() {
        List<Message> messages = List.of(message(400), message(400), message(300), message(2_000), message(100));

        List<List<Message>> runs = QueueConsumer.byBytes(messages, 1_000);

        assertThat(runs).extracting(List::size).containsExactly(2, 1, 1, 1);
        assertThat(runs.stream().flatMap(List::stream).toList()).isEqualTo(messages);
    }

    private static Message message(int bytes) {
        return new Message(new byte[bytes], new MessageProperties());
    }

    @Test
    void idleBatchConsumersUseNextToNoProcessorAndStillTakeAMessageAtOnce() throws Exception {
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        Topology t = ns.topology();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        try (QueueConsumer consumer = QueueConsumer.batch(ns.broker(),
                QueueConsumer.Spec.of(t.ingestQueue(), Topology.Area.INGEST).concurrency(4), 20,
                Duration.ofMillis(5), deadLetters(), in -> in.decode(ns.config().codec(), FailedNode.class),
                values -> batchSizes.add(values.size()))) {
            publishRawToIngest("{\"node_id\": \"first\"}");
            await().atMost(PATIENCE).until(() -> batchSizes.size() == 1);
            long before = consumerCpuNanos(threads, t.ingestQueue());

            // The idle spell being measured: two seconds in which nothing more comes.
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> batchSizes.size() == 1);

            long idleCpu = consumerCpuNanos(threads, t.ingestQueue()) - before;
            // Polling every millisecond, four idle consumers took about 100 ms of processor in two seconds.
            assertThat(Duration.ofNanos(idleCpu)).isLessThan(Duration.ofMillis(20));
            publishRawToIngest("{\"node_id\": \"after a quiet spell\"}");
            await().atMost(PATIENCE).until(() -> batchSizes.size() == 2);
            assertThat(batchSizes).containsExactly(1, 1);
        }
    }

    /** Processor time of the consumer threads of a queue (they are named after it). */
    private static long consumerCpuNanos(java.lang.management.ThreadMXBean threads, String queue) {
        long sum = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(queue)) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    @Test
    void aTransientFailureIsNeverCountedTowardsGivingUp() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        Topology t = ns.topology();
        try (QueueConsumer consumer = QueueConsumer.batch(ns.broker(),
                QueueConsumer.Spec.of(t.ingestQueue(), Topology.Area.INGEST).transientBackoff(Duration.ofMillis(10))
                        .maxAttempts(2), 10, Duration.ofMillis(5), deadLetters(),
                in -> in.decode(ns.config().codec(), FailedNode.class), values -> {
                    if (tries.incrementAndGet() < 6) {
                        throw new BrokerException("not confirmed", new java.io.IOException("broker away"));
                    }
                })) {
            publishRawToIngest("{\"node_id\": \"n\"}");
            await().atMost(PATIENCE).until(() -> tries.get() >= 6 && ns.depth(t.ingestQueue()) == 0);
            assertThat(ns.depth(t.deadQueue(Topology.Area.INGEST))).isZero();
        }
    }

    @Test
    void workingQuorumQueuesHaveAnExplicitDeliveryLimitAndDeadLetterIntoTheirArea() {
        Topology t = ns.topology();
        // Redeclaring with other arguments would fail (PRECONDITION_FAILED): these are the ones declared.
        ns.broker().withChannel(ch -> ch.queueDeclare(t.ingestQueue(), true, false, false, java.util.Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", Topology.DELIVERY_LIMIT,
                "x-dead-letter-exchange", t.deadExchange(),
                "x-dead-letter-routing-key", "ingest",
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish")));
        ns.broker().withChannel(ch -> ch.queueDeclare(t.deadQueue(Topology.Area.SAVES), true, false, false,
                java.util.Map.of("x-queue-type", "quorum", "x-delivery-limit", Topology.DEAD_DELIVERY_LIMIT)));
    }

    private static GetResponse get(String queue) {
        GetResponse[] r = new GetResponse[1];
        ns.broker().withChannel(ch -> r[0] = ch.basicGet(queue, true));
        return r[0];
    }
}
