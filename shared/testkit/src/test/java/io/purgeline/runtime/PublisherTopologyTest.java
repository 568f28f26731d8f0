package io.purgeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.GetResponse;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.FailedNode;
import io.purgeline.contracts.Lane;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The declared topology routes as DESIGN.md says, and published messages carry what consumers rely on. */
class PublisherTopologyTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    @Test
    void savesOfOneTaskAllLandOnOnePartitionAndTasksSpreadOverAllPartitions() {
        Topology t = ns.topology();
        List<Outgoing> out = new ArrayList<>();
        for (int task = 0; task < 40; task++) {
            for (int save = 0; save < 3; save++) {
                out.add(t.save("task-" + task, "test", new FailedNode("task-" + task, "s" + save)));
            }
        }
        ns.publisher().publish(out);

        Set<Integer> used = new HashSet<>();
        for (int p = 0; p < t.savesPartitions(); p++) {
            int partition = p;
            List<FailedNode> got = new ArrayList<>();
            ns.broker().withChannel(ch -> got.addAll(
                    ns.take(List.of(t.savesQueue(partition)), (int) ch.messageCount(t.savesQueue(partition)),
                            Duration.ofSeconds(10)).stream().map(s -> s.as(ns.config().codec(), FailedNode.class))
                            .toList()));
            if (!got.isEmpty()) {
                used.add(p);
            }
            for (String task : got.stream().map(FailedNode::nodeId).distinct().toList()) {
                assertThat(got.stream().filter(n -> n.nodeId().equals(task)).map(FailedNode::reason))
                        .as("all saves of %s on partition %d, in publish order", task, p)
                        .containsExactly("s0", "s1", "s2");
            }
        }
        assertThat(used).hasSize(t.savesPartitions());
    }

    @Test
    void retriesComeBackIntoTheirLaneOnlyAfterABackoffThatGrowsWithTheAttempt() {
        Topology t = ns.topology();
        for (int attempt = 2; attempt <= 3; attempt++) {
            Duration delay = ns.config().retryDelayBefore(attempt);
            FailedNode retried = new FailedNode("n", "attempt " + attempt);
            ns.publisher().publish(Outgoing.of("", t.retryQueue(Lane.FAST, delay), "dispatch", retried));
            // Not before the delay (less a margin for clock granularity), and soon after it.
            await().atLeast(delay.minusMillis(50)).atMost(delay.plusSeconds(5))
                    .until(() -> ns.depth(t.laneQueue(Lane.FAST)) == 1);
            assertThat(drain(t.laneQueue(Lane.FAST))).containsExactly(retried);
        }
        assertThat(ns.config().retryDelayBefore(3)).isGreaterThan(ns.config().retryDelayBefore(2));
        assertThat(ns.config().retryDelayBefore(9)).as("the last delay repeats")
                .isEqualTo(ns.config().retryDelayBefore(3));
    }

    @Test
    void largeBodiesAreSnappyCompressedAndCarryTheirTypeIdsAndTrace() {
        Topology t = ns.topology();
        String big = "x".repeat(Codec.DEFAULT_COMPRESS_ABOVE * 4);
        ns.publisher().publish(Outgoing.of(t.dispatchExchange(), Lane.SLOW.wire(), "dispatch", new FailedNode("n", big))
                .priority(7).correlationId("task-9"));
        GetResponse[] r = new GetResponse[1];
        ns.broker().withChannel(ch -> r[0] = ch.basicGet(t.laneQueue(Lane.SLOW), true));
        assertThat(r[0].getProps().getContentEncoding()).isEqualTo(Codec.SNAPPY);
        assertThat(r[0].getBody().length).isLessThan(big.length() / 2);
        assertThat(r[0].getProps().getType()).isEqualTo("dispatch");
        assertThat(r[0].getProps().getPriority()).isEqualTo(7);
        assertThat(r[0].getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(r[0].getProps().getMessageId()).isNotBlank();
        assertThat(r[0].getProps().getHeaders().get(Topology.TRACE_HEADER).toString()).isEqualTo("task-9");
        assertThat(ns.config().codec().decode(r[0].getBody(), Codec.SNAPPY, FailedNode.class).reason()).isEqualTo(big);
    }

    private static List<FailedNode> drain(String queue) {
        List<FailedNode> out = new ArrayList<>();
        ns.broker().withChannel(ch -> {
            GetResponse r;
            while ((r = ch.basicGet(queue, true)) != null) {
                out.add(ns.config().codec().decode(r.getBody(), r.getProps().getContentEncoding(), FailedNode.class));
            }
        });
        return out;
    }
}
