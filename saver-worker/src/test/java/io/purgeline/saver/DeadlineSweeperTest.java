package io.purgeline.saver;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.contracts.FailedNode;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.runtime.Lease;
import io.purgeline.testkit.TestNamespace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The deadline sweeper on its own, over a store whose overdue tasks stay open (their expiries not applied yet). */
class DeadlineSweeperTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    @Test
    void moreOverdueTasksThanOneSweepTakesAreAllExpiredOverTheNextSweeps() {
        List<String> overdue = IntStream.range(0, DeadlineSweeper.LIMIT + 200).mapToObj(i -> "late-" + i).toList();
        Counter published = new SimpleMeterRegistry().counter("expiries");
        DeadlineSweeper sweeper = new DeadlineSweeper(new OpenTasks(overdue), ns.publisher(), ns.topology(),
                Clock.systemUTC(), Duration.ofSeconds(1), published);
        Lease lease = new Lease(ns.redis(), ns.keys(), "deadline-sweeper-test", "me", Duration.ofSeconds(30));
        assertThat(lease.acquire()).isTrue();

        sweeper.run(lease);
        assertThat(published.count()).isEqualTo(DeadlineSweeper.LIMIT);
        sweeper.run(lease);
        assertThat(published.count()).as("the rest, not hidden behind the ones published first")
                .isEqualTo(overdue.size());
        sweeper.run(lease);
        assertThat(published.count()).as("nothing published twice within the resend period")
                .isEqualTo(overdue.size());
    }

    /** Tasks that stay overdue: the expiries published for them wait in their partitions' queues. */
    private record OpenTasks(List<String> overdue) implements TaskStore {
        @Override
        public List<String> overdue(Instant now, int limit) {
            return overdue.subList(0, Math.min(limit, overdue.size()));
        }

        @Override
        public List<TaskRow> apply(List<TaskCreated> created, List<SubtaskOutcomes> outcomes,
                List<TaskExpiry> expiries) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, List<FailedNode>> failedNodes(Collection<String> taskIds) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void markEventSent(Collection<String> taskIds) {
            throw new UnsupportedOperationException();
        }
    }
}
