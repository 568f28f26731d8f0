package io.purgeline.contracts;

/**
 * A body could not be decoded. Permanent: the same bytes will never decode, so the message is poison. The code says
 * why, in the words of an API error body: {@link #BAD_BODY}, {@link #UNKNOWN_FIELD} or {@link #TOO_LARGE}.
 */
public class CodecException extends RuntimeException {
    public static final String BAD_BODY = "bad_body";
    public static final String UNKNOWN_FIELD = "unknown_field";
    public static final String TOO_LARGE = "too_large";

    private final String code;

    public CodecException(String message, Throwable cause) {
        this(BAD_BODY, message, cause);
    }

    public CodecException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
