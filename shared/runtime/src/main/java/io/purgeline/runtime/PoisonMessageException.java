package io.purgeline.runtime;

/**
 * A message that can never be processed (undecodable or invalid). Permanent: the consumer parks it in the
 * dead-letter queue with this message as the reason, alerts, acks it, and moves on. The code is the reason's kind,
 * the {@code reason} tag of {@code purgeline_dead_letters_total}: {@code bad_body}, {@code unknown_field},
 * {@code too_large} (as {@link io.purgeline.contracts.CodecException}), {@code invalid}, or
 * {@link DeadLetters#FAILED_REPEATEDLY}.
 */
public class PoisonMessageException extends RuntimeException {
    public static final String INVALID = "invalid";

    private final String code;

    public PoisonMessageException(String reason) {
        this(INVALID, reason, null);
    }

    public PoisonMessageException(String reason, Throwable cause) {
        this(INVALID, reason, cause);
    }

    public PoisonMessageException(String code, String reason, Throwable cause) {
        super(reason, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
