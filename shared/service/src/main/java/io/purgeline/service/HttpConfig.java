package io.purgeline.service;

/**
 * Where a process serves HTTP. Port 0 takes a free port (tests); the default host is loopback so that a worker
 * started by hand is not exposed until its operator says so.
 */
public record HttpConfig(String host, int port, int maxBodyBytes) {
    /** 8 MiB: a 10,000-URL submission is about 1 MiB of JSON; anything far larger is refused before it is read. */
    public static final int DEFAULT_MAX_BODY_BYTES = 8 << 20;

    public static HttpConfig from(Env env, int defaultPort) {
        return new HttpConfig(
                env.str("PURGELINE_HTTP_HOST", "127.0.0.1"),
                env.integer("PURGELINE_HTTP_PORT", defaultPort),
                env.integer("PURGELINE_HTTP_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES));
    }
}
