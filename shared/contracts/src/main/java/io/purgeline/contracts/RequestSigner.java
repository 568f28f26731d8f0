package io.purgeline.contracts;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signs one HTTP request as API.md §5 and docs/contracts.md say: the client side of every signed link (customers,
 * the CLI, the admin tools, dispatch → agent, agent → callback-worker).
 *
 * <pre>{@code
 * Map<String, String> headers = RequestSigner.sign("POST", "/v1/tasks", body, accessKey, secret, Clock.systemUTC());
 * }</pre>
 *
 * The receiver accepts a token once: two identical requests signed within the same second carry the same token, so a
 * client that sends the same request again adds something that differs, for example a {@code nonce} query parameter
 * (which every purgeline endpoint ignores).
 */
public final class RequestSigner {
    private RequestSigner() {}

    /**
     * The {@code Accesskey}, {@code Timestamp} and {@code Token} headers for a request.
     *
     * @param pathAndQuery the path and, if any, {@code ?} and the query, exactly as sent (not re-encoded)
     * @param body         the body exactly as sent (compressed if it is sent compressed); empty for none
     */
    public static Map<String, String> sign(String method, String pathAndQuery, byte[] body, String accessKey,
            String secret, Clock clock) {
        Objects.requireNonNull(accessKey, "null access key");
        Objects.requireNonNull(secret, "null secret");
        long timestamp = clock.millis() / 1000;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Signatures.ACCESS_KEY, accessKey);
        headers.put(Signatures.TIMESTAMP, Long.toString(timestamp));
        headers.put(Signatures.TOKEN, Signatures.sign(secret, method, pathAndQuery, timestamp,
                body == null ? new byte[0] : body));
        return headers;
    }
}
