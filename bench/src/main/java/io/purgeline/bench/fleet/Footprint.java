package io.purgeline.bench.fleet;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Live threads and heap in use in this JVM: what a fleet of simulated nodes costs. */
public record Footprint(int threads, long heapUsedBytes) {

    /** Measures after a full collection, so that the heap figure is what is retained, not garbage. */
    public static Footprint measure() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return new Footprint(ManagementFactory.getThreadMXBean().getThreadCount(),
                memory.getHeapMemoryUsage().getUsed());
    }

    /** Live threads whose names start with the prefix: the fleet names all of its threads after {@link Fleet#NAME}. */
    public static int threadsNamed(String prefix) {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    public long heapUsedMb() {
        return heapUsedBytes >> 20;
    }

    @Override
    public String toString() {
        return threads + " threads, " + heapUsedMb() + " MB heap used";
    }
}
