package io.purgeline.service;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How purgeline's processes are run (docs/architecture.md, "Memory"): small heaps and the serial collector, several
 * JVMs sharing a few cores with the services, each with the quick compiler (C1) only. The optimising compiler was
 * still at work minutes into a load, half of a fresh worker's processor in its first minute, taken from the work on
 * two cores, and its arenas and larger code cost every worker 30-40 MB more resident memory: without it the
 * throughput benchmark recorded 3,081-3,433 node results/s against 1,813-2,073. The agent, which runs beside the cache
 * on every edge, is the smallest and compiles after a twentieth of the usual calls (it sees a few purges a second, and
 * with the usual thresholds its request path stayed interpreted). A small {@code -Xms} matters: by default the JVM
 * starts with a heap of 1/64 of the machine's memory, and resident memory follows.
 */
public final class JvmOptions {
    private JvmOptions() {}

    /**
     * JVM options of a module's process ("edge-agent" or a worker's module name), to be run by the same Java as this
     * process.
     */
    public static List<String> of(String module) {
        List<String> options = new ArrayList<>(module.equals("edge-agent")
                ? List.of("-Xms8m", "-Xmx40m", "-XX:+UseSerialGC", "-Xss256k", "-XX:ReservedCodeCacheSize=24m",
                        "-XX:TieredStopAtLevel=1", "-XX:CompileThresholdScaling=0.05")
                : List.of("-Xms32m", "-Xmx160m", "-XX:+UseSerialGC", "-Xss512k", "-XX:ReservedCodeCacheSize=48m",
                        "-XX:TieredStopAtLevel=1"));
        options.addAll(TRIM_NATIVE_HEAP);
        return List.copyOf(options);
    }

    /**
     * Gives the memory the JVM has freed back to the system every second (glibc keeps it otherwise): the agent's
     * resident memory under load fell from 99 to 93-95 MB, the workers' by 1-5 MB. The option exists from Java
     * 17.0.9 and 21.0.1 on; a Java without it runs without.
     */
    private static final List<String> TRIM_NATIVE_HEAP = knows("TrimNativeHeapInterval")
            ? List.of("-XX:TrimNativeHeapInterval=1000") : List.of();

    private static boolean knows(String vmOption) {
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(vmOption);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Environment for every process: glibc otherwise keeps up to eight malloc arenas per core, each holding on to
     * native memory the JVM has freed.
     */
    public static Map<String, String> environment() {
        return Map.of("MALLOC_ARENA_MAX", "2");
    }
}
