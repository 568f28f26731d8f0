package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Encoded;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What the agent remembers of recent subtasks, and when it forgets: bounded by count, size and age, oldest first. */
class RecentSubtasksTest {
    private final MovableClock clock = new MovableClock();
    private final RecentSubtasks recent = new RecentSubtasks(3, 1_000, Duration.ofMinutes(10), clock);

    @Test
    void aFinishedSubtaskIsRememberedWithItsResult() {
        recent.started("t1@n");
        assertThat(recent.isRunning("t1@n")).isTrue();
        assertThat(recent.resultOf("t1@n")).isNull();

        recent.finished("t1@n", body("r1"));

        assertThat(recent.isRunning("t1@n")).isFalse();
        assertThat(text(recent.resultOf("t1@n"))).isEqualTo("r1");
    }

    @Test
    void beyondTheCountTheOldestFinishedSubtasksAreForgotten() {
        for (int i = 1; i <= 4; i++) {
            recent.started("t" + i + "@n");
            recent.finished("t" + i + "@n", body("r" + i));
        }

        assertThat(recent.resultOf("t1@n")).isNull();
        assertThat(text(recent.resultOf("t2@n"))).isEqualTo("r2");
        assertThat(text(recent.resultOf("t4@n"))).isEqualTo("r4");
    }

    @Test
    void beyondTheSizeOfTheirResultsTheOldestFinishedSubtasksAreForgotten() {
        recent.started("small@n");
        recent.finished("small@n", body("s"));
        recent.started("big1@n");
        recent.finished("big1@n", body("x".repeat(600)));
        recent.started("big2@n");
        recent.finished("big2@n", body("y".repeat(600)));

        assertThat(recent.resultOf("small@n")).isNull();
        assertThat(recent.resultOf("big1@n")).isNull();
        assertThat(text(recent.resultOf("big2@n"))).hasSize(600);
    }

    @Test
    void finishedSubtasksAreForgottenOnceOlderThanTheAge() {
        recent.started("old@n");
        recent.finished("old@n", body("old"));
        clock.advance(Duration.ofMinutes(6));
        recent.started("young@n");
        recent.finished("young@n", body("young"));

        clock.advance(Duration.ofMinutes(5));

        assertThat(recent.resultOf("old@n")).isNull();
        assertThat(text(recent.resultOf("young@n"))).isEqualTo("young");
    }

    @Test
    void runningSubtasksAreNeverForgotten() {
        recent.started("long@n");
        for (int i = 1; i <= 10; i++) {
            recent.started("t" + i + "@n");
            recent.finished("t" + i + "@n", body("r" + i));
        }
        clock.advance(Duration.ofHours(1));

        assertThat(recent.isRunning("long@n")).isTrue();
        assertThat(recent.remembered()).isEqualTo(4);
    }

    @Test
    void anAbandonedSubtaskIsNotRememberedSoItsRedeliveryRunsAgain() {
        recent.started("t1@n");

        recent.abandoned("t1@n");

        assertThat(recent.isRunning("t1@n")).isFalse();
        assertThat(recent.resultOf("t1@n")).isNull();
    }

    private static Encoded body(String text) {
        return new Encoded(text.getBytes(StandardCharsets.UTF_8), null);
    }

    private static String text(Encoded e) {
        return new String(e.body(), StandardCharsets.UTF_8);
    }

    /** A clock the test moves by hand: ages without waiting. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
