package io.purgeline.contracts;

/** A body could not be decoded. Permanent: the same bytes will never decode, so the message is poison. */
public class CodecException extends RuntimeException {
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
