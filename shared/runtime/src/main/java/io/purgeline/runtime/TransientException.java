package io.purgeline.runtime;

/**
 * A failure that is not the message's fault and goes away by itself (a service unreachable, a lease moved): the
 * message is requeued after a pause as often as it takes, never counted towards parking it.
 */
public class TransientException extends RuntimeException {
    public TransientException(String message, Throwable cause) {
        super(message, cause);
    }
}
