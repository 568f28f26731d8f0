package io.purgeline.agent;

import io.purgeline.contracts.Signatures;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the signature headers of a request from the dispatcher (API.md §5): the known access key, a timestamp within
 * {@link #WINDOW} of the agent's clock, a token matching the body as sent, and a token not already used. A used token
 * is remembered only as long as its timestamp would pass, so the memory is bounded by the request rate.
 */
public final class SignatureVerifier {
    public static final Duration WINDOW = Duration.ofSeconds(60);

    private final AgentKeys keys;
    private final Clock clock;
    private final Map<String, Long> usedUntil = new ConcurrentHashMap<>();
    private volatile long nextSweep;

    public SignatureVerifier(AgentKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** Verifies the request and claims its token; throws a 401 {@link HttpError} saying what is wrong. */
    public String verify(HttpCall call) {
        String accessKey = call.header(Signatures.ACCESS_KEY);
        String timestamp = call.header(Signatures.TIMESTAMP);
        String token = call.header(Signatures.TOKEN);
        if (accessKey == null || timestamp == null || token == null) {
            throw unauthorized("the request must carry the Accesskey, Timestamp and Token headers");
        }
        if (!accessKey.equals(keys.accessKey())) {
            throw unauthorized("unknown access key '" + accessKey + "'");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw unauthorized("Timestamp must be unix seconds, got '" + timestamp + "'");
        }
        long now = clock.millis() / 1000;
        if (Math.abs(now - ts) > WINDOW.toSeconds()) {
            throw unauthorized("Timestamp " + ts + " is " + Math.abs(now - ts) + " s away from the agent's clock"
                    + " (at most " + WINDOW.toSeconds() + " s allowed); check the clocks of both hosts");
        }
        String expected = Signatures.sign(keys.secret(), call.method(), call.pathAndQuery(), ts, call.body());
        if (!Signatures.matches(expected, token)) {
            throw unauthorized("Token does not match the request: wrong secret, or the body or path changed");
        }
        sweep(now);
        if (usedUntil.putIfAbsent(token, ts + WINDOW.toSeconds()) != null) {
            throw unauthorized("this Token was already used; a request is signed anew for every send");
        }
        return token;
    }

    /** Gives a claimed token back, for a request that was not accepted after all (so its retry is not a replay). */
    public void release(String token) {
        usedUntil.remove(token);
    }

    /** Forgets tokens whose timestamps have left the window, at most once a second. */
    private void sweep(long nowSeconds) {
        if (nowSeconds < nextSweep) {
            return;
        }
        nextSweep = nowSeconds + 1;
        for (Iterator<Long> it = usedUntil.values().iterator(); it.hasNext(); ) {
            if (it.next() < nowSeconds) {
                it.remove();
            }
        }
    }

    private static HttpError unauthorized(String message) {
        return new HttpError(401, "unauthorized", message);
    }
}
