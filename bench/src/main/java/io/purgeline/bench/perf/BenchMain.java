package io.purgeline.bench.perf;

import io.purgeline.bench.LocalStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/purgeline bench [SCENARIO…] [--option value…]}: runs the scenarios of issue 6 in order (none named: all
 * of them), each in a fresh namespace with its own processes, printing a table per scenario and writing its JSON under
 * {@code bench/results/}. {@code --home DIR} takes the workers' and agent's jars from another build (for example the
 * baseline of a before/after comparison); the harness itself, the fleet simulator included, is always this jar.
 * Exits 1 when a scenario failed (the others still run).
 */
public final class BenchMain {
    private BenchMain() {}

    /** Every scenario, in the order they run. */
    public static Map<String, Scenario> scenarios() {
        Map<String, Scenario> all = new LinkedHashMap<>();
        for (Scenario s : List.of(new FloorScenario(), new LatencyScenario(), new ThroughputScenario(),
                new IntakeScenario(), new MemoryScenario(), new GrowthScenario(), new SilentNodeScenario())) {
            all.put(s.name(), s);
        }
        return all;
    }

    public static void main(String[] args) throws Exception {
        Path checkout = LocalStack.home();
        BenchOptions options = BenchOptions.defaults(checkout, checkout.resolve("bench").resolve("results"));
        List<String> names = new ArrayList<>();
        try {
            options = parse(args, options, names);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
        if (options == null) {
            System.out.println(USAGE);
            return;
        }
        quietFleetShutdown();
        List<String> failed = run(options, names);
        System.exit(failed.isEmpty() ? 0 : 1);
    }

    static final String USAGE = "usage: bin/purgeline bench [SCENARIO...] [--short] [--option value...]\n"
            + "scenarios (none named: all, in this order): " + String.join(" ", scenarios().keySet()) + "\n"
            + "options: " + BenchOptions.OPTIONS;

    /**
     * Reads the arguments into the options and the scenario names; null when help was asked for. Unknown scenarios
     * and options, and options without a value, are refused with the reason.
     */
    static BenchOptions parse(String[] args, BenchOptions defaults, List<String> names) {
        BenchOptions options = defaults;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                return null;
            }
            if (args[i].equals("--short")) {
                // The test's sizes: a smoke run of the harness, not a measurement. Options after it still apply.
                options = BenchOptions.tiny(options.home(), options.results());
            } else if (args[i].startsWith("--")) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException("no value for " + args[i]);
                }
                options = options.with(args[i], args[++i]);
            } else {
                names.add(known(scenarios(), args[i]));
            }
        }
        return options;
    }

    private static String known(Map<String, Scenario> all, String name) {
        if (!all.containsKey(name)) {
            throw new IllegalArgumentException("unknown scenario '" + name + "'; scenarios: "
                    + String.join(" ", all.keySet()));
        }
        return name;
    }

    /**
     * A scenario ends by killing its workers and then closing its fleet, whose thousand nodes would each log the
     * results they could no longer deliver: expected, and it would bury the tables. Errors of a run show in its
     * figures (tasks not completed), and the workers' own logs are kept under the results.
     */
    private static void quietFleetShutdown() {
        for (String name : List.of("io.purgeline.agent.ResultReporter", "io.purgeline.agent.SubtaskRunner")) {
            if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.OFF);
            }
        }
    }

    /** Runs the named scenarios (none: all); returns the names of those that failed. */
    public static List<String> run(BenchOptions options, List<String> names) {
        Map<String, Scenario> all = scenarios();
        names.forEach(n -> known(all, n));
        BenchRun run = new BenchRun(options, System.out);
        List<String> failed = new ArrayList<>();
        for (Scenario s : all.values()) {
            if (!names.isEmpty() && !names.contains(s.name())) {
                continue;
            }
            long start = System.nanoTime();
            try {
                run.finish(s.run(run));
            } catch (Exception | Error e) {
                failed.add(s.name());
                run.say("%s FAILED: %s", s.name(), e);
                e.printStackTrace(System.out);
            }
            run.say("%s took %d s", s.name(), (System.nanoTime() - start) / 1_000_000_000L);
        }
        if (!failed.isEmpty()) {
            run.say("failed: %s", failed);
        }
        return failed;
    }
}
