package io.purgeline.ingest;

import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands an expanded task to the rest of the pipeline: first the TaskCreated save, confirmed, so that the saver knows
 * the task before any result of it can arrive; then every dispatch message in one confirmed batch (confirm latency is
 * paid once per task, not per message).
 */
public final class ExpansionPublisher {
    private final Publisher publisher;
    private final Topology topology;

    public ExpansionPublisher(Publisher publisher, Topology topology) {
        this.publisher = publisher;
        this.topology = topology;
    }

    /**
     * Message ids are derived from the task id, so a copy republished after a crash carries the same id as the
     * original and downstream can recognise it.
     */
    public void publish(Expansion plan) {
        String taskId = plan.taskId();
        publisher.publish(Outgoing.of(topology.savesExchange(), taskId, TaskCreated.MESSAGE_TYPE, plan.created())
                .messageId(taskId + "/created")
                .correlationId(taskId));
        List<Outgoing> dispatches = new ArrayList<>(plan.dispatches().size());
        for (int i = 0; i < plan.dispatches().size(); i++) {
            DispatchMessage m = plan.dispatches().get(i);
            dispatches.add(Outgoing.of(topology.dispatchExchange(), m.lane().wire(), DispatchMessage.MESSAGE_TYPE, m)
                    .priority(m.priority())
                    .messageId(taskId + "/dispatch/" + i)
                    .correlationId(taskId));
        }
        publisher.publish(dispatches);
    }
}
