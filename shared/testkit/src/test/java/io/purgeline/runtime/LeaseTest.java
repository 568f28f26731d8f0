package io.purgeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeaseTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private Lease lease(String name, String owner, long ttlMs) {
        return new Lease(ns.redis(), ns.keys(), name, owner, Duration.ofMillis(ttlMs));
    }

    @Test
    void onlyOneOwnerHoldsTheLeaseAtATime() {
        Lease a = lease("one", "a", 10_000);
        Lease b = lease("one", "b", 10_000);
        assertThat(a.acquire()).isTrue();
        assertThat(b.acquire()).isFalse();
        assertThat(a.acquire()).as("the holder extends it").isTrue();
        assertThat(a.isHeld()).isTrue();
        assertThat(b.isHeld()).isFalse();
    }

    @Test
    void whenTheHolderDiesAnotherTakesOverWithAHigherFencingTokenAndTheOldHolderCanTell() {
        Lease a = lease("takeover", "a", 300);
        Lease b = lease("takeover", "b", 300);
        assertThat(a.acquire()).isTrue();
        long first = a.token();
        // a stops renewing (it died or paused); b gets the lease once the TTL has passed
        await().atMost(Duration.ofSeconds(5)).until(b::acquire);
        assertThat(b.token()).isGreaterThan(first);
        assertThat(a.isHeld()).as("fencing check of the paused holder").isFalse();
        assertThat(a.renew()).as("compare-and-set renew of a lost lease").isFalse();
        assertThat(b.isHeld()).isTrue();
    }

    @Test
    void releaseLetsASuccessorInAtOnceButOnlyTheHolderCanRelease() {
        Lease a = lease("release", "a", 60_000);
        Lease b = lease("release", "b", 60_000);
        assertThat(a.acquire()).isTrue();
        b.release();
        assertThat(a.isHeld()).isTrue();
        a.release();
        assertThat(b.acquire()).isTrue();
    }

    @Test
    void aSingletonJobRunsInOneProcessOnlyAndMovesWhenItsHolderStops() throws Exception {
        AtomicInteger ranA = new AtomicInteger();
        AtomicInteger ranB = new AtomicInteger();
        Singleton a = Singleton.start(ns.redis(), ns.keys(), "sweeper", "a", Duration.ofMillis(50),
                l -> ranA.incrementAndGet());
        await().atMost(Duration.ofSeconds(5)).until(() -> ranA.get() > 0);
        Singleton b = Singleton.start(ns.redis(), ns.keys(), "sweeper", "b", Duration.ofMillis(50),
                l -> ranB.incrementAndGet());
        int before = ranA.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> ranA.get() > before + 5);
        assertThat(ranB.get()).isZero();
        assertThat(b.isLeader()).isFalse();
        a.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> ranB.get() > 0);
        b.close();
    }
}
