package io.purgeline.bench.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Bytes allocated by a JVM over a window, from Java Flight Recorder: {@code jcmd <pid> JFR.start} with only the
 * {@code jdk.ThreadAllocationStatistics} event, every second (each carries a thread's allocation since it started),
 * then {@code JFR.stop} with a file name, which writes it out. Per thread, the allocation in the window is its last figure minus its
 * first; a thread first seen after the first sample was born in the window and counts whole. A thread that ended
 * since its last sample loses at most its last second: the figure is a slight undercount, never an overcount.
 */
final class AllocationRecorder {
    private static final String NAME = "bench-alloc";
    private static final String SETTINGS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="bench allocation">
              <event name="jdk.ThreadAllocationStatistics">
                <setting name="enabled">true</setting>
                <setting name="period">1 s</setting>
              </event>
            </configuration>
            """;

    private final Path dir;
    private final Path settings;

    AllocationRecorder(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.settings = dir.resolve("allocation.jfc");
        Files.writeString(settings, SETTINGS, StandardCharsets.UTF_8);
    }

    void start(long pid) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=" + NAME, "settings=" + settings);
    }

    /** Stops the recording, writing it out; returns the bytes the JVM allocated since {@link #start}. */
    long stop(long pid, String label) throws IOException, InterruptedException {
        Path file = dir.resolve(label + ".jfr");
        jcmd(pid, "JFR.stop", "name=" + NAME, "filename=" + file);
        return allocated(file);
    }

    static long allocated(Path recording) throws IOException {
        Map<Long, long[]> perThread = new HashMap<>();
        Map<Long, Instant> firstSeen = new HashMap<>();
        Instant first = null;
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (!e.getEventType().getName().equals("jdk.ThreadAllocationStatistics") || e.getThread("thread") == null) {
                continue;
            }
            long thread = e.getThread("thread").getJavaThreadId();
            long allocated = e.getLong("allocated");
            Instant at = e.getStartTime();
            first = first == null || at.isBefore(first) ? at : first;
            firstSeen.merge(thread, at, (a, b) -> a.isBefore(b) ? a : b);
            perThread.merge(thread, new long[] {allocated, allocated},
                    (a, b) -> new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        long total = 0;
        for (Map.Entry<Long, long[]> t : perThread.entrySet()) {
            boolean bornInWindow = firstSeen.get(t.getKey()).isAfter(first.plusMillis(500));
            total += bornInWindow ? t.getValue()[1] : t.getValue()[1] - t.getValue()[0];
        }
        return total;
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || out.contains("Exception") || out.contains("Could not")) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
