package io.purgeline.ingest;

/**
 * A submission or node registration breaks a rule. Permanent: the same input is refused every time, so an AMQP
 * submission is dead-lettered and an HTTP caller gets 400. The message names the field and what is wrong with it.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
