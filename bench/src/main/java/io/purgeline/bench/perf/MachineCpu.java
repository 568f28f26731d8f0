package io.purgeline.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The machine's processor time, every process and core together, from the first line of {@code /proc/stat}: how much
 * of it a stretch of work took. Everything on the box counts (workers, agents, caches, broker, Redis, MariaDB and this
 * harness), which is the point: on a box whose cores are busy throughout a purge, a purge takes as long as its
 * processor time over the cores, whatever waits in between.
 */
record MachineCpu(long busyTicks, long nanos) {
    /** Clock ticks per second of {@code /proc/stat} (USER_HZ): 100 on every Linux this runs on. */
    static final double TICKS_PER_S = 100;

    /** Now; busy ticks are -1 where {@code /proc/stat} cannot be read. */
    static MachineCpu now() {
        return new MachineCpu(readBusyTicks(), System.nanoTime());
    }

    /** Processor milliseconds busy since {@code start}, NaN where unknown. */
    double busyMsSince(MachineCpu start) {
        return start.busyTicks < 0 || busyTicks < 0 ? Double.NaN : (busyTicks - start.busyTicks) * 1000 / TICKS_PER_S;
    }

    /** Cores busy on average since {@code start} (2.0: both of two cores throughout), NaN where unknown. */
    double coresBusySince(MachineCpu start) {
        return busyMsSince(start) / ((nanos - start.nanos) / 1e6);
    }

    /** user, nice, system, irq, softirq and steal ticks: all but idle and iowait (and the guest ones, inside user). */
    private static long readBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] t = Arrays.stream(f, 1, Math.min(f.length, 9)).mapToLong(Long::parseLong).toArray();
            return t[0] + t[1] + t[2] + t[5] + t[6] + (t.length > 7 ? t[7] : 0);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
