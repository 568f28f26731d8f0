package io.purgeline.bench.perf;

/** One benchmark scenario of issue 6: runs against its own namespace and stack, and reports what it measured. */
public interface Scenario {
    /** The name used on the command line and in the result file's name. */
    String name();

    Report run(BenchRun run) throws Exception;
}
