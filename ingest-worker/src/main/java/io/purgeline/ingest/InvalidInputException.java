package io.purgeline.ingest;

/**
 * A submission or node registration breaks a rule. Permanent: the same input is refused every time, so an AMQP
 * submission is dead-lettered and an HTTP caller gets 400 ({@link #INVALID}) or, for a size over a limit, 413
 * ({@link #TOO_LARGE}). The message names the field and what is wrong with it.
 */
public class InvalidInputException extends RuntimeException {
    public static final String INVALID = "invalid";
    public static final String TOO_LARGE = "too_large";

    private final String code;

    public InvalidInputException(String message) {
        this(INVALID, message);
    }

    public InvalidInputException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** The error code of the API error body: {@link #INVALID} or {@link #TOO_LARGE}. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return TOO_LARGE.equals(code) ? 413 : 400;
    }
}
