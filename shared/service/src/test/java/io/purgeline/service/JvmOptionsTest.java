package io.purgeline.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The options processes are started with are ones this Java accepts: a Java that refused one would start nothing. */
class JvmOptionsTest {
    @Test
    void everyProcessKindStartsWithItsOptionsOnThisJava() throws Exception {
        for (String module : List.of("edge-agent", "dispatch-worker")) {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(JvmOptions.of(module));
            cmd.add("-version");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s: %s", cmd, output).isZero();
        }
        assertThat(JvmOptions.of("saver-worker")).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
    }
}
