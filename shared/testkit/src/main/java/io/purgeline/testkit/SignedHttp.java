package io.purgeline.testkit;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.RequestSigner;
import io.purgeline.service.AdminKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A JSON client for a purgeline HTTP API that signs every request (API.md §5) as a customer or the admin: what tests,
 * the demo and the benchmarks use to talk to ingest and alert-worker. Each request carries a random {@code nonce}
 * query parameter, so that a test polling the same path within a second is not refused as a replay.
 */
public final class SignedHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String base;
    private final String accessKey;
    private final String secret;
    private final Clock clock;

    public SignedHttp(String base, String accessKey, String secret) {
        this(base, accessKey, secret, Clock.systemUTC());
    }

    private SignedHttp(String base, String accessKey, String secret, Clock clock) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.accessKey = accessKey;
        this.secret = secret;
        this.clock = clock;
    }

    /** Signed with the development admin key (workers started with {@code PURGELINE_DEV=true}). */
    public static SignedHttp admin(String base) {
        return new SignedHttp(base, AdminKey.ACCESS_KEY, AdminKey.DEV_SECRET);
    }

    /**
     * Creates a customer through the admin API (this client must sign as the admin) with the given domains, makes it
     * an access key, and returns a client signing with that key: how tests and the demo submit tasks.
     */
    public SignedHttp newCustomer(String apiId, String... domains) throws Exception {
        StringBuilder list = new StringBuilder();
        for (String d : domains) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(d).append('"');
        }
        HttpResponse<String> created = post("/v1/customers", "{\"api_id\":\"" + apiId + "\",\"name\":\"" + apiId
                + "\",\"domains\":[" + list + "]}");
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating customer " + apiId + " answered " + created.statusCode() + ": "
                    + created.body());
        }
        return newKey(apiId);
    }

    /** Makes another access key for a customer (admin) and returns a client signing with it. */
    public SignedHttp newKey(String apiId) throws Exception {
        HttpResponse<String> key = post("/v1/customers/" + apiId + "/keys", "");
        if (key.statusCode() != 201) {
            throw new IllegalStateException("making a key for " + apiId + " answered " + key.statusCode() + ": "
                    + key.body());
        }
        @SuppressWarnings("unchecked")
        Map<String, String> made = new Codec(-1).fromJson(key.body(), Map.class);
        return as(made.get("access_key"), made.get("secret"));
    }

    public String accessKey() {
        return accessKey;
    }

    /** The same server, signed with another key. */
    public SignedHttp as(String accessKey, String secret) {
        return new SignedHttp(base, accessKey, secret, clock);
    }

    /** The same client, signing with timestamps of another clock (to play a client whose clock is off). */
    public SignedHttp at(Clock other) {
        return new SignedHttp(base, accessKey, secret, other);
    }

    public String base() {
        return base;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null, Map.of());
    }

    public HttpResponse<String> post(String path, String json) throws Exception {
        return send("POST", path, json.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "application/json"));
    }

    public HttpResponse<String> delete(String path) throws Exception {
        return send("DELETE", path, null, Map.of());
    }

    /** Signs and sends; {@code headers} are added after the signature headers (and may replace them). */
    public HttpResponse<String> send(String method, String path, byte[] body, Map<String, String> headers)
            throws Exception {
        return send(request(method, path, body, headers));
    }

    /** Sends a request as built (again, to replay it). */
    public HttpResponse<String> send(HttpRequest request) throws Exception {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A signed request, to send once or more. */
    public HttpRequest request(String method, String path, byte[] body, Map<String, String> headers) {
        String once = path + (path.contains("?") ? "&" : "?") + "nonce="
                + Long.toHexString(ThreadLocalRandom.current().nextLong());
        byte[] sent = body == null ? new byte[0] : body;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + once))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(sent));
        RequestSigner.sign(method, once, sent, accessKey, secret, clock).forEach(request::header);
        headers.forEach(request::setHeader);
        return request.build();
    }

    /** Sends without any signature headers: how an outsider's request looks. */
    public HttpResponse<String> unsigned(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
