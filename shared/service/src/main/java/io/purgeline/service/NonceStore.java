package io.purgeline.service;

import java.time.Duration;

/** Remembers the tokens of accepted requests for as long as their timestamps would pass, to refuse replays. */
public interface NonceStore {
    /** Claims a token for {@code ttl}; false if it was already claimed within its time. */
    boolean claim(String token, Duration ttl);

    /** Gives a token back, for a request that was not accepted after all (so that its retry is not a replay). */
    void release(String token);
}
