package io.purgeline.runtime;

/**
 * A message that can never be processed (undecodable or invalid). Permanent: the consumer parks it in the
 * dead-letter queue with this message as the reason, alerts, acks it, and moves on.
 */
public class PoisonMessageException extends RuntimeException {
    public PoisonMessageException(String reason) {
        super(reason);
    }

    public PoisonMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
