package io.purgeline.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Starts a real Squid 5 (Debian {@code squid}) for a test. */
public final class Squid {
    private Squid() {}

    /**
     * Starts Squid in the foreground ({@code -N}) on {@code listenHost:port} with the agent's reference configuration
     * ({@code squid/purgeline.conf}) in front of the origin, its pid file and logs in its own directory.
     */
    public static CacheProcess start(String confTemplate, String backendHost, int backendPort, String listenHost,
            int port) throws IOException {
        Path dir = CacheProcess.workingDirectory("squid");
        // Squid drops root for the proxy user before it opens its logs.
        Path run = CacheProcess.ownedBy(dir.resolve("run"), "proxy");
        String conf = ConfigTemplate.fill(confTemplate, Map.of(
                "LISTEN", listenHost + ":" + port,
                "BACKEND_HOST", backendHost,
                "BACKEND_PORT", Integer.toString(backendPort))) + """

                # this test's instance
                pid_filename %s
                cache_log %s
                access_log none
                coredump_dir %s
                shutdown_lifetime 0 seconds
                """.formatted(run.resolve("squid.pid"), run.resolve("cache.log"), run);
        Path file = CacheProcess.writeReadable(dir.resolve("squid.conf"), conf);
        return CacheProcess.start("squid", List.of("squid", "-N", "-f", file.toString()), dir, listenHost, port);
    }
}
