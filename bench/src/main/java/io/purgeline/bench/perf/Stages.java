package io.purgeline.bench.perf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of sequential tasks went, stage by stage, from the instants the pipeline records: the harness's
 * submit, the task's {@code accepted_at} (ingest), its subtasks' first and last {@code started_at} and last
 * {@code finished_at} (the agents) and last {@code updated_at} (the saver, as it wrote the batch), and the final
 * event's arrival. All the
 * clocks are this box's; the database keeps milliseconds. Each stage's p50 over the tasks, so they need not add up to
 * the p50 of the whole.
 */
final class Stages {
    private Stages() {}

    /** p50 in ms of each stage over the measured tasks that have rows; empty when none has. */
    static Map<String, Object> p50(List<SequentialTasks.Measured> measured, Map<String, long[]> times) {
        Latencies accept = new Latencies();
        Latencies dispatch = new Latencies();
        Latencies spread = new Latencies();
        Latencies finish = new Latencies();
        Latencies record = new Latencies();
        Latencies event = new Latencies();
        for (SequentialTasks.Measured m : measured) {
            long[] t = times.get(m.taskId());
            if (t == null || java.util.Arrays.stream(t).anyMatch(at -> at < 0)) {
                continue;
            }
            accept.add(ms(t[0] - m.submittedMillis()));
            dispatch.add(ms(t[1] - t[0]));
            spread.add(ms(t[2] - t[1]));
            finish.add(ms(t[3] - t[2]));
            record.add(ms(t[4] - t[3]));
            event.add(ms(m.arrivedMillis() - t[4]));
        }
        Map<String, Object> p50 = new LinkedHashMap<>();
        if (accept.count() == 0) {
            return p50;
        }
        p50.put("accept", accept.quantileMs(0.5));
        p50.put("dispatch", dispatch.quantileMs(0.5));
        p50.put("spread", spread.quantileMs(0.5));
        p50.put("finish", finish.quantileMs(0.5));
        p50.put("record", record.quantileMs(0.5));
        p50.put("event", event.quantileMs(0.5));
        return p50;
    }

    private static long ms(long millis) {
        return millis * 1_000_000;
    }
}
