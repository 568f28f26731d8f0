package io.purgeline.cli;

import io.purgeline.contracts.RequestSigner;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who the command line signs as (docs/contracts.md, "Signing"): a customer's access key and secret, or the operators'
 * admin key. Each request carries a nonce of its own, so that a status polled twice within a second is not refused as
 * a replay.
 */
record Credentials(String accessKey, String secret) {
    /** The path and query as sent: the given one with a nonce added. */
    static String withNonce(String pathAndQuery) {
        return pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + "nonce="
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    Map<String, String> sign(String method, String sentPathAndQuery, byte[] body) {
        return RequestSigner.sign(method, sentPathAndQuery, body, accessKey, secret, Clock.systemUTC());
    }
}
