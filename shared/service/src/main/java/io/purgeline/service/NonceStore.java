package io.purgeline.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Remembers the tokens of accepted requests for as long as their timestamps would pass, to refuse replays. */
public interface NonceStore {
    /** Claims a token for {@code ttl}; false if it was already claimed within its time. */
    boolean claim(String token, Duration ttl);

    /**
     * Claims several tokens for {@code ttl}, in order (a token named twice is claimed by its first mention): for each,
     * whether it was claimed now. A store that can do it in one round trip does.
     */
    default List<Boolean> claimAll(List<String> tokens, Duration ttl) {
        List<Boolean> claimed = new ArrayList<>(tokens.size());
        for (String token : tokens) {
            claimed.add(claim(token, ttl));
        }
        return claimed;
    }

    /** Gives a token back, for a request that was not accepted after all (so that its retry is not a replay). */
    void release(String token);
}
