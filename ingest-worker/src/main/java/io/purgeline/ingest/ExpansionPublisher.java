package io.purgeline.ingest;

import io.purgeline.contracts.DispatchMessage;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.SaveMessages;
import io.purgeline.runtime.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands expanded tasks to the rest of the pipeline: their TaskCreated saves, every dispatch message and the
 * {@code task.accepted} announcements in one confirmed batch, so that a submission waits for one confirm, not three.
 * The creations of tasks that share a saves partition go in one message ({@link SaveMessages}).
 * The save need not be confirmed before the dispatches go: the saver's writes do not depend on order (a result that
 * arrives before its task's creation is kept and counted when the creation comes).
 */
public final class ExpansionPublisher {
    private final Publisher publisher;
    private final Topology topology;

    public ExpansionPublisher(Publisher publisher, Topology topology) {
        this.publisher = publisher;
        this.topology = topology;
    }

    /**
     * Every plan, each with its announcement, in one confirmed batch. Message ids of lane messages and of a creation
     * sent alone are derived from the task id, so a copy republished after a crash carries the same id as the original
     * and downstream can recognise it.
     */
    public void publish(List<Expansion> plans, List<Outgoing> announcements) {
        List<Outgoing> out = new ArrayList<>(SaveMessages.of(topology,
                plans.stream().map(Expansion::created).toList(), List.of()));
        for (int p = 0; p < plans.size(); p++) {
            Expansion plan = plans.get(p);
            String taskId = plan.taskId();
            for (int i = 0; i < plan.dispatches().size(); i++) {
                DispatchMessage m = plan.dispatches().get(i);
                out.add(Outgoing.of(topology.dispatchExchange(), m.lane().wire(), DispatchMessage.MESSAGE_TYPE, m)
                        .priority(m.priority())
                        .messageId(taskId + "/dispatch/" + i)
                        .correlationId(taskId));
            }
            out.add(announcements.get(p));
        }
        publisher.publish(out);
    }
}
