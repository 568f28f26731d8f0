package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.testkit.TestNamespace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Silence is a node's only when a heartbeat receiver was there to hear it. */
class NodeWatchdogTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final MovableClock clock = new MovableClock();
    private OfflineNodes offline;
    private NodeWatchdog watchdog;
    private Lease lease;
    private String node;

    @BeforeEach
    void setUp() {
        offline = new OfflineNodes(ns.redis(), ns.keys(), ns.config().codec());
        watchdog = new NodeWatchdog(offline, ns.redis(), ns.keys(),
                new Alerts(ns.publisher(), ns.topology(), "test"), TIMEOUT, clock);
        lease = new Lease(ns.redis(), ns.keys(), "watchdog-test-" + System.nanoTime(), "me", Duration.ofMinutes(1));
        assertThat(lease.acquire()).isTrue();
        node = "edge-" + System.nanoTime();
        ns.redis().hset(ns.keys().nodeHeartbeats(), node, Long.toString(clock.millis()));
    }

    private void receiverBeats() {
        ns.redis().hset(ns.keys().moduleHeartbeats(), NodeWatchdog.RECEIVER + "/one", Long.toString(clock.millis()));
    }

    @Test
    void aSilentNodeIsMarkedOfflineOnceTheReceiverHasListenedForAFullTimeout() {
        receiverBeats();
        watchdog.run(lease);
        clock.advance(TIMEOUT.plusSeconds(1));
        receiverBeats();
        watchdog.run(lease);
        assertThat(offline.offline()).containsKey(node);
        assertThat(offline.offline().get(node).reason()).isEqualTo(NodeWatchdog.REASON);
    }

    @Test
    void whileNoReceiverBeatsNobodyIsMarkedOffline() {
        receiverBeats();
        watchdog.run(lease);
        clock.advance(TIMEOUT.multipliedBy(2));
        watchdog.run(lease); // the receiver's last beat is as old as the node's: it is down, not the fleet
        assertThat(offline.offline()).doesNotContainKey(node);
    }

    @Test
    void afterTheReceiverComesBackEveryNodeGetsAFullTimeoutToBeHeard() {
        clock.advance(TIMEOUT.multipliedBy(2)); // the receiver was down all this time
        receiverBeats();
        watchdog.run(lease);
        clock.advance(TIMEOUT.minusSeconds(1));
        receiverBeats();
        watchdog.run(lease);
        assertThat(offline.offline()).doesNotContainKey(node);

        clock.advance(Duration.ofSeconds(2));
        receiverBeats();
        watchdog.run(lease);
        assertThat(offline.offline()).containsKey(node);
    }

    /** A clock the test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
