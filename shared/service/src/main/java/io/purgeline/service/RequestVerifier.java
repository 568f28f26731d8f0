package io.purgeline.service;

import io.purgeline.contracts.Signatures;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the signature of a request (API.md §5, docs/contracts.md): the {@code Accesskey}, {@code Timestamp} and
 * {@code Token} headers are present, the access key is known, the timestamp is within the window of this clock, the
 * token is the HMAC of this request (body as sent) under one of the key's secrets, and it was not used before. Every
 * refusal is 401 with a sentence saying what is wrong, and is counted by reason.
 */
public final class RequestVerifier {
    /** Default clock window: wide enough for hosts kept by NTP, narrow enough that a captured request soon expires. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

    /** The secrets an access key may sign with (two during a rotation); empty when the key is unknown or revoked. */
    @FunctionalInterface
    public interface Keys {
        List<String> secretsOf(String accessKey);
    }

    /** A verified request: who signed it, and the token it claimed (to give back if the request is not accepted). */
    public record Verified(String accessKey, String token) {}

    private final Keys keys;
    private final NonceStore nonces;
    private final Duration window;
    private final Clock clock;
    private final Refusals refusals;

    public RequestVerifier(Keys keys, NonceStore nonces, Duration window, Clock clock, Refusals refusals) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the signature window must be more than 0, got " + window);
        }
        this.keys = keys;
        this.nonces = nonces;
        this.window = window;
        this.clock = clock;
        this.refusals = refusals;
    }

    public Duration window() {
        return window;
    }

    /** Verifies the request and claims its token; throws a 401 {@link HttpError} saying what is wrong. */
    public Verified verify(HttpCall call) {
        Verified signed = signed(call);
        // Kept twice the window: a token stays unusable for as long as its timestamp could pass on either side.
        if (!nonces.claim(signed.token(), window.multipliedBy(2))) {
            throw replay();
        }
        return signed;
    }

    /**
     * Verifies the request's signature but leaves its token unclaimed, for a caller that claims the tokens of many
     * requests together ({@link #claimAll}) before it acts on any of them; throws as {@link #verify} does.
     */
    public Verified signed(HttpCall call) {
        String accessKey = call.header(Signatures.ACCESS_KEY);
        String timestamp = call.header(Signatures.TIMESTAMP);
        String token = call.header(Signatures.TOKEN);
        if (accessKey == null || timestamp == null || token == null) {
            throw refusals.refuse(401, "unsigned", "the request must carry the " + Signatures.ACCESS_KEY + ", "
                    + Signatures.TIMESTAMP + " and " + Signatures.TOKEN + " headers (see docs/contracts.md, signing)");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw refusals.refuse(401, "bad_timestamp", "Timestamp must be unix seconds, got '" + timestamp + "'");
        }
        long now = clock.millis() / 1000;
        if (Math.abs(now - ts) > window.toSeconds()) {
            throw refusals.refuse(401, "stale_timestamp", "Timestamp " + ts + " is " + Math.abs(now - ts)
                    + " s away from this server's clock (at most " + window.toSeconds()
                    + " s allowed); sign the request anew, and check the clocks of both hosts");
        }
        List<String> secrets = keys.secretsOf(accessKey);
        if (secrets.isEmpty()) {
            throw refusals.refuse(401, "unknown_key", "access key '" + accessKey + "' is unknown or revoked");
        }
        boolean matched = false;
        for (String secret : secrets) {
            matched |= Signatures.matches(Signatures.sign(secret, call.method(), call.pathAndQuery(), ts,
                    call.body()), token);
        }
        if (!matched) {
            throw refusals.refuse(401, "bad_signature", "Token does not match the request signed with access key '"
                    + accessKey + "': wrong secret, or the method, path, query, timestamp or body changed");
        }
        return new Verified(accessKey, token);
    }

    /**
     * Claims the tokens of requests verified by {@link #signed}, in one go: for each request, in order, null if its
     * token is now claimed, or its refusal (401, counted) if the token was used before, by an earlier request or
     * by one before it in this list.
     */
    public List<HttpError> claimAll(List<Verified> requests) {
        List<Boolean> claimed = nonces.claimAll(requests.stream().map(Verified::token).toList(),
                window.multipliedBy(2));
        List<HttpError> refusals = new ArrayList<>(requests.size());
        for (boolean fresh : claimed) {
            refusals.add(fresh ? null : replay());
        }
        return refusals;
    }

    private HttpError replay() {
        return refusals.refuse(401, "replay", "this Token was already used; sign every request anew (a request sent"
                + " twice within a second needs something that differs, e.g. a nonce query parameter)");
    }

    /** Gives a claimed token back, for a request that was not accepted after all (so that its retry is no replay). */
    public void release(Verified verified) {
        nonces.release(verified.token());
    }
}
