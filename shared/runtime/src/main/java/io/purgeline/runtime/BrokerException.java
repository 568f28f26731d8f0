package io.purgeline.runtime;

/** The broker could not be reached or did not confirm. Transient: the caller retries or leaves the input unacked. */
public class BrokerException extends TransientException {
    public BrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
