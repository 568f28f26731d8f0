package io.purgeline.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RatesTest {
    private static final long TICK_NANOS = Duration.ofSeconds(5).toNanos();

    private final AtomicLong total = new AtomicLong();
    private final AtomicLong now = new AtomicLong();
    private final Rates rates = new Rates(Duration.ofSeconds(5), now::get).track("saves", total::get);

    @SuppressWarnings("unchecked")
    private Map<String, Object> saves() {
        return (Map<String, Object>) rates.snapshot().get("saves");
    }

    /** {@code ticks} ticks of 5 s at a steady {@code perSecond}. */
    private void steady(int perSecond, int ticks) {
        for (int i = 0; i < ticks; i++) {
            now.addAndGet(TICK_NANOS);
            total.addAndGet(perSecond * 5L);
            rates.tick();
        }
    }

    @Test
    void aSteadyRateReadsTheSameOverEveryWindowFromTheFirstTick() {
        steady(40, 1);

        assertThat(saves()).containsEntry("total", 200L).containsEntry("m1", 40.0).containsEntry("m5", 40.0)
                .containsEntry("m15", 40.0);

        steady(40, 300);

        assertThat(saves()).containsEntry("m1", 40.0).containsEntry("m5", 40.0).containsEntry("m15", 40.0);
    }

    @Test
    void idleTimeBeforeTheFirstEventDoesNotDiluteTheRate() {
        steady(0, 100);
        steady(8, 2);

        assertThat(saves()).containsEntry("m1", 8.0).containsEntry("m5", 8.0).containsEntry("m15", 8.0);
    }

    @Test
    void whenTheLoadStopsEachWindowEmptiesAtItsOwnPace() {
        steady(10, 12);
        steady(0, 12);

        // One minute of 10/s, then one minute of nothing: 600 events in the last 2 minutes, none in the last one.
        assertThat(saves()).containsEntry("m1", 0.0).containsEntry("m5", 5.0).containsEntry("m15", 5.0);

        steady(0, 48);

        // Six minutes in: the minute of load has left the 5-minute window; the 15 minutes reach back to its start.
        assertThat(saves()).containsEntry("m1", 0.0).containsEntry("m5", 0.0).containsEntry("m15", 1.667);
    }

    @Test
    void aTotalThatWasAlreadyCountingStartsFromWhereItWas() {
        total.set(1_000);
        Rates late = new Rates(Duration.ofSeconds(1), now::get).track("saves", total::get);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        total.addAndGet(3);
        late.tick();

        assertThat(late.snapshot()).containsEntry("saves", Map.of("total", 1_003L, "m1", 3.0, "m5", 3.0, "m15",
                3.0));
    }
}
