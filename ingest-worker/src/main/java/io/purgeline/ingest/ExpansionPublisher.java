package io.purgeline.ingest;

import io.purgeline.contracts.DispatchBatch;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.SaveMessages;
import io.purgeline.runtime.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands expanded tasks to the rest of the pipeline: their TaskCreated saves, every dispatch message and the
 * {@code task.accepted} announcements in one confirmed batch, so that a submission waits for one confirm, not three.
 * The creations of tasks that share a saves partition go in one message ({@link SaveMessages}); so do the dispatch
 * messages of tasks of the same lane and priority, up to a chunk of nodes ({@link DispatchBatch}). The save need not be
 * confirmed before the dispatches go: the saver's writes do not depend on order (a result that arrives before its
 * task's creation is kept and counted when the creation comes).
 */
public final class ExpansionPublisher {
    /** Characters of targets in a lane message that packs several tasks, at most (a lone task may have more). */
    static final long MAX_BATCH_TARGET_CHARS = 64 * 1024;

    private final Publisher publisher;
    private final Topology topology;
    private final int chunk;

    /** @param chunk most nodes in a lane message that carries several tasks ({@code PURGELINE_DISPATCH_CHUNK}) */
    public ExpansionPublisher(Publisher publisher, Topology topology, int chunk) {
        this.publisher = publisher;
        this.topology = topology;
        this.chunk = chunk;
    }

    /**
     * Every plan, each with its announcement, in one confirmed batch. Message ids of a creation or a lane message
     * sent alone are derived from the task id, so a copy republished after a crash carries the same id as the
     * original and downstream can recognise it.
     */
    public void publish(List<Expansion> plans, List<Outgoing> announcements) {
        List<Outgoing> out = new ArrayList<>(SaveMessages.of(topology,
                plans.stream().map(Expansion::created).toList(), List.of()));
        Map<String, List<Outgoing>> lanes = new LinkedHashMap<>();
        for (Expansion plan : plans) {
            for (int i = 0; i < plan.dispatches().size(); i++) {
                DispatchMessage m = plan.dispatches().get(i);
                lanes.computeIfAbsent(m.lane().wire() + "/" + m.priority(), k -> new ArrayList<>())
                        .add(Outgoing.of(topology.dispatchExchange(), m.lane().wire(), DispatchMessage.MESSAGE_TYPE, m)
                                .priority(m.priority())
                                .messageId(plan.taskId() + "/dispatch/" + i)
                                .correlationId(plan.taskId()));
            }
        }
        lanes.values().forEach(same -> out.addAll(packed(same)));
        out.addAll(announcements);
        publisher.publish(out);
    }

    /**
     * Lane messages of one lane and priority, those of small tasks packed together up to a chunk of nodes and
     * {@link #MAX_BATCH_TARGET_CHARS} of targets: dispatch-worker decodes a lane message whole and holds its prefetch
     * of them, so a batch must not grow much beyond a task's own message (fifty one-node tasks of 1,000 URLs each would
     * make one of several MiB).
     */
    private List<Outgoing> packed(List<Outgoing> messages) {
        List<Outgoing> out = new ArrayList<>();
        List<Outgoing> run = new ArrayList<>();
        int nodes = 0;
        long chars = 0;
        for (Outgoing o : messages) {
            DispatchMessage m = (DispatchMessage) o.payload();
            int size = m.assignments().size();
            long targets = m.targets().stream().mapToLong(t -> t.length() + 3).sum();
            if (!run.isEmpty() && (nodes + size > chunk || chars + targets > MAX_BATCH_TARGET_CHARS)) {
                out.add(batch(run));
                run = new ArrayList<>();
                nodes = 0;
                chars = 0;
            }
            run.add(o);
            nodes += size;
            chars += targets;
        }
        if (!run.isEmpty()) {
            out.add(batch(run));
        }
        return out;
    }

    private Outgoing batch(List<Outgoing> run) {
        if (run.size() == 1) {
            return run.get(0);
        }
        Outgoing first = run.get(0);
        return Outgoing.of(first.exchange(), first.routingKey(), DispatchBatch.MESSAGE_TYPE,
                new DispatchBatch(run.stream().map(o -> (DispatchMessage) o.payload()).toList()))
                .priority(first.priority());
    }
}
