package io.purgeline.contracts;

import java.util.List;

/**
 * Lane message: the dispatch messages of several tasks, of one lane and one priority, in one broker message. Intake
 * accepts submissions in batches, and a one-node task was a lane message of its own: one publish, one delivery and one
 * ack per task on the broker, the scarce resource. A batch holds at most a chunk's worth of nodes
 * ({@code PURGELINE_DISPATCH_CHUNK}), so a large task still spreads over several messages. Each part is handled as if
 * it had come alone.
 */
public record DispatchBatch(List<DispatchMessage> messages) {
    public static final String MESSAGE_TYPE = "dispatch.batch";
}
