package io.purgeline.contracts;

import java.util.List;

/**
 * Save message: the creations and outcomes of several tasks that share a saves partition, in one message. The broker's
 * messages per second are the scarce thing on this hardware, and a task of one node cost a message for its creation
 * and one for its outcome; a batch of 200 submissions now costs one per partition. Each part is applied as if it had
 * come alone, in the order given: {@code created} before {@code outcomes}. Expiries never go in a batch (a batch of
 * saves is cut after an expiry, which needs a message of its own).
 */
public record SaveBatch(List<TaskCreated> created, List<SubtaskOutcomes> outcomes) {
    public static final String MESSAGE_TYPE = "save.batch";
}
