package io.purgeline.bench.chaos;

import io.purgeline.bench.LocalStack;
import io.purgeline.testkit.Namespace;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code bin/purgeline chaos [--nodes N] [--rate TASKS_PER_S] [--gap-ms MS] [--failure-rate R]}: one chaos run in a
 * fresh namespace; prints the faults as they happen, every problem found, and last the summary line. Exits 1 unless
 * nothing was lost and no promise was broken.
 */
public final class ChaosMain {
    private ChaosMain() {}

    public static void main(String[] args) throws Exception {
        ChaosConfig c = ChaosConfig.ci();
        int nodes = c.nodes();
        double rate = c.tasksPerSecond();
        Duration gap = c.faultGap();
        double failureRate = c.failureRate();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--gap-ms" -> gap = Duration.ofMillis(Long.parseLong(args[++i]));
                case "--failure-rate" -> failureRate = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --nodes N, --rate R, --gap-ms MS, --failure-rate R)");
            }
        }
        ChaosConfig config = new ChaosConfig(nodes, rate, gap, failureRate, c.settle());
        Namespace ns = new Namespace();
        ChaosRun.workerSettings().forEach(ns::with);
        ChaosReport report;
        try (Namespace open = ns.open("chaos")) {
            Path home = LocalStack.home();
            report = ChaosRun.run(home, open, config, home.resolve("run").resolve(open.config().namespace()),
                    System.out);
        }
        report.problems().forEach(p -> System.out.println("PROBLEM " + p));
        System.out.println(report.summary());
        System.exit(report.clean() ? 0 : 1);
    }
}
