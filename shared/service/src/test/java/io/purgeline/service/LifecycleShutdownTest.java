package io.purgeline.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker whose graceful stop hangs still exits: after its budget, or at once on a second signal. */
class LifecycleShutdownTest {
    @TempDir
    Path dir;

    private Path log;

    private Process start(long graceMs) throws Exception {
        log = dir.resolve("stuck.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StuckWorker.class.getName(), Long.toString(graceMs))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> output().contains("ready"));
        return p;
    }

    private String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void aStopThatHangsIsCutOffAfterTheGraceBudget() throws Exception {
        Process p = start(300);
        p.destroy();
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(output()).contains("graceful stop took longer than");
    }

    @Test
    void aSecondSignalEndsTheProcessAtOnce() throws Exception {
        Process p = start(600_000);
        p.destroy();
        await().atMost(Duration.ofSeconds(10)).until(() -> output().contains("stuck: stopping"));
        p.destroy();
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(130);
        assertThat(output()).contains("second SIGTERM");
    }
}
