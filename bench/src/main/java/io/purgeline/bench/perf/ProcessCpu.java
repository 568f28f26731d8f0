package io.purgeline.bench.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Processor time of each part of the system on this box, from {@code /proc/<pid>/stat}: which parts a stretch of work
 * kept busy, where {@link MachineCpu} says only how busy the machine was. A purgeline worker is named by its jar, every
 * edge agent counts as {@code agents}, this JVM (and the simulated fleet it runs) as {@code harness}; then the
 * {@code broker}, {@code mariadb}, {@code redis} and the {@code caches}; the rest (the kernel's threads, other
 * programs) is {@code other}.
 */
record ProcessCpu(Map<Long, Sample> byPid) {
    private static final long SELF = ProcessHandle.current().pid();

    /** A process's part and its user and system ticks so far. */
    record Sample(String part, long ticks) {}

    /** Every process now; empty where {@code /proc} cannot be read. */
    static ProcessCpu now() {
        Map<Long, Sample> byPid = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName()))) {
            for (Path proc : procs) {
                Sample s = sample(proc);
                if (s != null) {
                    byPid.put(Long.parseLong(proc.getFileName().toString()), s);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new ProcessCpu(Map.of());
        }
        return new ProcessCpu(byPid);
    }

    /**
     * Processor milliseconds of each part since {@code start}, largest first, divided by {@code per} (the tasks run, at
     * least one);
     * a process started since counts from nothing, one ended since is lost. Parts under 0.05 ms are left out.
     */
    Map<String, Double> msSince(ProcessCpu start, int per) {
        Map<String, Long> ticks = new HashMap<>();
        byPid.forEach((pid, now) -> {
            Sample before = start.byPid.get(pid);
            long was = before != null && before.part.equals(now.part) ? before.ticks : 0;
            ticks.merge(now.part, Math.max(0, now.ticks - was), Long::sum);
        });
        Map<String, Double> ms = new LinkedHashMap<>();
        ticks.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> {
                    double perTask = e.getValue() * 1000 / MachineCpu.TICKS_PER_S / per;
                    if (perTask >= 0.05) {
                        ms.put(e.getKey(), Math.round(perTask * 10) / 10.0);
                    }
                });
        return ms;
    }

    private static boolean isPid(Path name) {
        String s = name.toString();
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    /** Null for a process that ended while being read. */
    private static Sample sample(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"), StandardCharsets.US_ASCII);
            // The name is in parentheses and may hold spaces and parentheses itself: fields follow the last ')'.
            int close = stat.lastIndexOf(')');
            String comm = stat.substring(stat.indexOf('(') + 1, close);
            String[] f = stat.substring(close + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15), in USER_HZ
            long pid = Long.parseLong(proc.getFileName().toString());
            return new Sample(part(pid, comm, proc), ticks);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String part(long pid, String comm, Path proc) throws IOException {
        if (pid == SELF) {
            return "harness";
        }
        return switch (comm) {
            case "java" -> javaPart(proc);
            case "beam.smp", "erl_child_setup", "epmd", "inet_gethost" -> "broker";
            case "mariadbd", "mysqld" -> "mariadb";
            case "redis-server" -> "redis";
            case "varnishd", "cache-main" -> "caches";
            default -> "other";
        };
    }

    /** A purgeline process by the jar it runs: {@code dispatch-worker.jar} is {@code dispatch}. */
    private static String javaPart(Path proc) throws IOException {
        for (String arg : new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                .split("\0")) {
            String jar = arg.substring(arg.lastIndexOf('/') + 1);
            switch (jar) {
                case "edge-agent.jar":
                    return "agents";
                case "bench.jar":
                    return "harness";
                case "ingest-worker.jar", "dispatch-worker.jar", "callback-worker.jar", "saver-worker.jar",
                        "alert-worker.jar":
                    return jar.substring(0, jar.indexOf('-'));
                default:
                    break;
            }
        }
        return "other";
    }
}
