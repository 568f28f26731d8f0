package io.purgeline.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * demo, chaos and bench are the bench module's programs; these commands run them from bench.jar as they are, with
 * their own options (README "Run it", "Nothing lost, nothing stuck", "Benchmarks"), and exit with their exit code.
 */
final class BenchCommands {
    private BenchCommands() {}

    /** Runs a main class of bench.jar in its own JVM, attached to this terminal. */
    abstract static class BenchProgram implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        abstract List<String> jvmOptions();

        abstract String mainClass();

        @Override
        public Integer call() throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Home.java()));
            cmd.addAll(jvmOptions());
            cmd.add("-Dpurgeline.home=" + Home.dir());
            cmd.addAll(List.of("-cp", Home.jar("bench").toString(), mainClass()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                return 130;
            }
        }
    }

    @Command(name = "demo", description = {"Run everything locally in a fresh namespace, purge an object on real "
            + "Varnish edges and show it complete.", "Options: [--edges N] [--keep]"})
    static final class Demo extends BenchProgram {
        @Override
        List<String> jvmOptions() {
            return List.of();
        }

        @Override
        String mainClass() {
            return "io.purgeline.bench.Demo";
        }
    }

    @Command(name = "chaos", description = {"Kill and restart everything under load; prints the summary (lost=0).",
            "Options: [--nodes N] [--rate R] [--gap-ms MS] [--failure-rate F]"})
    static final class Chaos extends BenchProgram {
        @Override
        List<String> jvmOptions() {
            // The fleet runs in that process: its per-node info lines would bury the run's own report.
            return List.of("-DPURGELINE_LOG_LEVEL=WARN");
        }

        @Override
        String mainClass() {
            return "io.purgeline.bench.chaos.ChaosMain";
        }
    }

    @Command(name = "bench", description = {"The benchmarks; results in bench/results/.",
            "Usage: bench [SCENARIO...] [--home DIR] [--nodes N] [--seconds S] [--tasks N] [--short] ...",
            "SCENARIO: floor latency throughput intake memory growth silent (none: all)."})
    static final class Bench extends BenchProgram {
        @Override
        List<String> jvmOptions() {
            // The fleet runs in that process, its agents logging only errors; workers log to bench/results/logs/.
            // On two cores the common pool has one thread, and CompletableFuture then starts a thread per async
            // stage: the JDK HTTP client completes every answer's body so, and the HTTP intake load generator
            // spent its processor starting threads (intake measured 714-767 requests/s, 1,616 with a pool of two).
            return List.of("-Xmx2g", "-DPURGELINE_LOG_LEVEL=ERROR",
                    "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
        }

        @Override
        String mainClass() {
            return "io.purgeline.bench.perf.BenchMain";
        }
    }
}
