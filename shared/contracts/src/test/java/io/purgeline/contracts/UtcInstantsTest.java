package io.purgeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UtcInstantsTest {
    @Test
    void readsEveryInstantTheCodecWritesAsInstantParseDoes() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            // 0001 to 9999, at every precision Instant.toString produces (none, millis, micros, nanos)
            long seconds = random.nextLong(-62_135_596_800L, 253_402_300_800L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            String text = Instant.ofEpochSecond(seconds, nanos).toString();
            assertThat(UtcInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void readsWhatOtherWritersSendAsInstantParseDoes() {
        for (String text : List.of("2026-11-30T21:00:00.1Z", "2026-11-30T21:00:00.12Z", "2026-11-30T21:00:00.12345Z",
                "2024-02-29T23:59:59.999999999Z", "2026-11-30T21:00:00+01:00", "2026-11-30T21:00:00.5-02:30",
                "2026-12-31T23:59:60Z", "2026-11-30T24:00:00Z", "2026-11-30T21:00:00.Z")) {
            assertThat(UtcInstants.parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void refusesWhatInstantParseRefuses() {
        for (String text : List.of("2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z",
                "2026-11-30T21:60:00Z",
                "2026-11-30T21:00:00.1234567890Z", "2026-11-30 21:00:00Z", "2026-11-30T21:00:00", "２026-11-30T21:00:00Z",
                "", "yesterday")) {
            assertThatThrownBy(() -> Instant.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> UtcInstants.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
        }
    }
}
