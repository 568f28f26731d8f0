package io.purgeline.contracts;

import java.time.Instant;

/**
 * Save message: the task's deadline passed while some of its nodes had not reported. Published by saver-worker's
 * deadline sweeper on the saves exchange with the task id as routing key (and correlation id), so it is applied in
 * order with the task's other saves: every subtask not final by then becomes {@code expired}, and a result published
 * after it changes nothing.
 *
 * @param expiredAt when the sweeper found the deadline passed
 */
public record TaskExpiry(String taskId, Instant expiredAt) {
    public static final String MESSAGE_TYPE = "task.expiry";
}
