package io.purgeline.bench.perf;

import io.purgeline.testkit.Namespace;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One invocation of the harness: the options, where output goes, and the floor figures measured earlier in the same
 * run (so later scenarios can print their figures as a ratio to them). Hands each scenario a fresh namespace.
 */
public final class BenchRun {
    private final BenchOptions options;
    private final PrintStream out;
    private final Map<String, Double> floor = new ConcurrentHashMap<>();
    private final Map<String, Object> info = new LinkedHashMap<>();

    public BenchRun(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        info.put("home", options.home().toString());
        info.put("home_commit", commitOf(options.home()));
        info.put("home_jars", jarDigests(options.home()));
        info.put("bench_commit", commitOf(Path.of(System.getProperty("purgeline.home", ".")).toAbsolutePath()));
        info.put("java", System.getProperty("java.version"));
        info.put("cores", Runtime.getRuntime().availableProcessors());
        info.put("started_at", Instant.now().toString());
    }

    public BenchOptions options() {
        return options;
    }

    /**
     * A namespace of the scenario's own, with the workers' production defaults (the testkit's are shortened for
     * tests): 4 saves partitions, retries after 1, 5 and 30 s, 4 attempts.
     */
    public Namespace namespace() {
        return new Namespace()
                .with("PURGELINE_SAVES_PARTITIONS", "4")
                .with("PURGELINE_RETRY_DELAYS_MS", "1000,5000,30000")
                .with("PURGELINE_DISPATCH_MAX_ATTEMPTS", "4")
                .open("bench");
    }

    /** Where a scenario's workers log: {@code <results>/logs/<namespace>}. */
    public Path logDir(Namespace ns) {
        return options.results().resolve("logs").resolve(ns.config().namespace());
    }

    /** Records a floor figure for the ratios of later scenarios. */
    public void floor(String name, double value) {
        floor.put(name, value);
    }

    /** {@code value / floor(name)} to two significant digits; null when the floor was not measured in this run. */
    public Double ratio(double value, String name) {
        Double f = floor.get(name);
        if (f == null || f == 0 || Double.isNaN(value)) {
            return null;
        }
        return new java.math.BigDecimal(value / f).round(new java.math.MathContext(2)).doubleValue();
    }

    public void say(String format, Object... args) {
        out.println(Instant.now() + " " + String.format(format, args));
    }

    /** Prints the report and writes its JSON; returns the file. */
    public Path finish(Report report) throws IOException {
        report.print(out);
        Map<String, Object> run = new LinkedHashMap<>(info);
        run.put("options", options.asMap());
        run.put("floor", Map.copyOf(floor));
        Path file = report.write(options.results(), run);
        out.println("  written to " + file);
        return file;
    }

    /** Modules whose jars a run starts as processes. */
    private static final List<String> PROCESS_MODULES = List.of("ingest-worker", "dispatch-worker", "callback-worker",
            "saver-worker", "alert-worker", "edge-agent");

    /**
     * The first 12 hex digits of each started jar's SHA-256: a home of built jars only (a baseline) has no commit to
     * name, and two result files are comparable only if they say which build ran.
     */
    private static Map<String, String> jarDigests(Path home) {
        Map<String, String> digests = new LinkedHashMap<>();
        for (String m : PROCESS_MODULES) {
            Path jar = home.resolve(m).resolve("target").resolve(m + ".jar");
            try (var in = java.nio.file.Files.newInputStream(jar)) {
                java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                }
                digests.put(m, java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12));
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                digests.put(m, "missing");
            }
        }
        return digests;
    }

    private static String commitOf(Path dir) {
        try {
            Process p = new ProcessBuilder(List.of("git", "-C", dir.toString(), "rev-parse", "--short", "HEAD"))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? out + (dirty(dir) ? "+changes" : "") : "unknown (not a git checkout)";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static boolean dirty(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("git", "-C", dir.toString(), "status", "--porcelain", "-uno"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.waitFor() == 0 && !out.isEmpty();
    }
}
