package io.purgeline.runtime;

import io.purgeline.contracts.SaveBatch;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns creations and outcomes of any number of tasks into as few save messages as their partitions allow: one per
 * partition, a {@link SaveBatch} when it holds several parts and the part's own message ({@code task.created},
 * {@code subtask.outcomes}, routed, identified and correlated by its task as before) when it holds one. A batch is cut
 * at about {@link #MAX_BATCH_BYTES} of JSON, so that the saver, which decodes a message whole, never meets one much
 * larger than the largest single part. A task's parts keep their order within its partition.
 */
public final class SaveMessages {
    /** Estimated JSON bytes of a batch message at most (200 one-node tasks take about 60 KiB). */
    static final int MAX_BATCH_BYTES = 256 * 1024;

    private SaveMessages() {}

    public static List<Outgoing> of(Topology topology, List<TaskCreated> created, List<SubtaskOutcomes> outcomes) {
        Map<Integer, Partition> partitions = new LinkedHashMap<>();
        for (TaskCreated c : created) {
            partitions.computeIfAbsent(topology.savesPartition(c.taskId()), p -> new Partition()).add(c, size(c));
        }
        for (SubtaskOutcomes o : outcomes) {
            partitions.computeIfAbsent(topology.savesPartition(o.taskId()), p -> new Partition()).add(o, size(o));
        }
        List<Outgoing> out = new ArrayList<>();
        partitions.values().forEach(p -> p.messages(topology, out));
        return out;
    }

    /** One partition's parts, cut into batches of bounded size as they are added. */
    private static final class Partition {
        private final List<List<Object>> batches = new ArrayList<>();
        private List<Object> current;
        private long bytes;

        void add(Object part, long size) {
            if (current == null || (!current.isEmpty() && bytes + size > MAX_BATCH_BYTES)) {
                current = new ArrayList<>();
                batches.add(current);
                bytes = 0;
            }
            current.add(part);
            bytes += size;
        }

        void messages(Topology topology, List<Outgoing> out) {
            for (List<Object> parts : batches) {
                if (parts.size() == 1) {
                    out.add(single(topology, parts.get(0)));
                    continue;
                }
                List<TaskCreated> created = new ArrayList<>();
                List<SubtaskOutcomes> outcomes = new ArrayList<>();
                for (Object part : parts) {
                    if (part instanceof TaskCreated c) {
                        created.add(c);
                    } else {
                        outcomes.add((SubtaskOutcomes) part);
                    }
                }
                String first = created.isEmpty() ? outcomes.get(0).taskId() : created.get(0).taskId();
                out.add(topology.save(first, SaveBatch.MESSAGE_TYPE, new SaveBatch(created, outcomes)));
            }
        }
    }

    /** A part alone: the message it always was, its id derived from the task's so a republished copy keeps it. */
    private static Outgoing single(Topology topology, Object part) {
        if (part instanceof TaskCreated c) {
            return topology.save(c.taskId(), TaskCreated.MESSAGE_TYPE, c).messageId(c.taskId() + "/created")
                    .correlationId(c.taskId());
        }
        SubtaskOutcomes o = (SubtaskOutcomes) part;
        return topology.save(o.taskId(), SubtaskOutcomes.MESSAGE_TYPE, o).correlationId(o.taskId());
    }

    private static long size(TaskCreated c) {
        // A subtask is its id (task id, '@', node id) and node id, quoted, with a tier.
        long bytes = 300 + (2L * length(c.taskId()) + 150) * c.subtasks().size();
        for (String t : c.targets()) {
            bytes += length(t) + 3;
        }
        if (c.options() != null && c.options().headers() != null) {
            for (Map.Entry<String, String> h : c.options().headers().entrySet()) {
                bytes += length(h.getKey()) + length(h.getValue()) + 6;
            }
        }
        return bytes;
    }

    private static long size(SubtaskOutcomes o) {
        long bytes = 50;
        for (SubtaskOutcome s : o.outcomes()) {
            bytes += 200 + length(s.error());
            if (s.items() != null) {
                bytes += s.items().savedLength();
            }
        }
        return bytes;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
