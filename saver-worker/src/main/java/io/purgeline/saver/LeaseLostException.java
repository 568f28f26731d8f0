package io.purgeline.saver;

/** This instance no longer holds the lease it needs to act; transient: the work is left to the new holder. */
final class LeaseLostException extends RuntimeException {
    LeaseLostException(String message) {
        super(message);
    }
}
