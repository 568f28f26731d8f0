package io.purgeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.bench.LocalStack;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.TestNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code purgeline up} as an operator runs it: every worker in the foreground, then stopped as Ctrl-C stops it. */
class UpIT {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    @Test
    void upRunsEveryWorkerWithItsLogPrefixedAndAStopSignalStopsThemAllGracefully() throws Exception {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String worker : List.of("ingest", "dispatch", "callback", "saver", "alert")) {
            ports.put(worker, FreePorts.any());
        }
        List<String> cmd = new ArrayList<>(List.of(Home.java(), "-Dpurgeline.home=" + LocalStack.home(), "-jar",
                LocalStack.home().resolve("cli/target/cli.jar").toString(), "up"));
        ports.forEach((w, p) -> cmd.addAll(List.of("--port", w + "=" + p)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(ns.env());
        Process up = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(up.getInputStream(),
                    StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            } catch (IOException e) {
                // the process is gone
            }
        });
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> !up.isAlive()
                    || lines.stream().anyMatch(l -> l.startsWith("purgeline is up:")));
            assertThat(up.isAlive()).as(String.join("\n", lines)).isTrue();
            List<String> args = new ArrayList<>(List.of("stats", "--json"));
            ports.forEach((w, p) -> args.addAll(List.of("--url", w + "=http://127.0.0.1:" + p)));
            Cli.Run stats = Cli.run(args.toArray(String[]::new));
            assertThat(stats.exit()).isZero();
            assertThat(stats.out()).doesNotContain("not_running");

            // What Ctrl-C does, by SIGTERM: a JVM started in the background (as a build's may be) ignores SIGINT.
            up.toHandle().destroy();

            await().atMost(Duration.ofSeconds(120)).until(() -> !up.isAlive());
            reader.join(5_000);
            for (String worker : ports.keySet()) {
                String prefix = String.format("%-9s| ", worker);
                assertThat(lines).as(worker).anySatisfy(l -> assertThat(l).startsWith(prefix)
                        .contains(": stopped"));
                assertThat(lines).noneSatisfy(l -> assertThat(l).startsWith(prefix).contains("halting"));
            }
            ports.values().forEach(p -> assertThat(free(p)).as("port " + p + " released").isTrue());
        } finally {
            up.destroyForcibly();
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
