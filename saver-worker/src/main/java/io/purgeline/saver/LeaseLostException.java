package io.purgeline.saver;

import io.purgeline.runtime.TransientException;

/** This instance no longer holds the lease it needs to act; transient: the work is left to the new holder. */
final class LeaseLostException extends TransientException {
    LeaseLostException(String message) {
        super(message, null);
    }
}
