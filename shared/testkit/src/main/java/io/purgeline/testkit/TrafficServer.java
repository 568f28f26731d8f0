package io.purgeline.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Starts a real Apache Traffic Server 9 (Debian {@code trafficserver}) for a test, in a run root of its own. */
public final class TrafficServer {
    /** The configuration files ATS reads at start that the reference configuration leaves empty. */
    private static final List<String> EMPTY_CONFIGS = List.of("cache.config", "hosting.config", "logging.yaml",
            "parent.config", "plugin.config", "sni.yaml", "socks.config", "splitdns.config", "ssl_multicert.config",
            "strategies.yaml", "volume.config");

    private TrafficServer() {}

    /**
     * Starts {@code traffic_server} on {@code listenHost:port} with the agent's reference {@code records.config}
     * lines, {@code remap.config} and {@code ip_allow.yaml} (from {@code trafficserver/}), a 64 MB cache file and
     * its logs in its own directory.
     */
    public static CacheProcess start(String recordsTemplate, String remapTemplate, String ipAllow, String backendHost,
            int backendPort, String listenHost, int port) throws IOException {
        Path dir = CacheProcess.workingDirectory("trafficserver");
        Path etc = dir.resolve("etc");
        // ATS refuses to serve as root and switches to this user, which must write everything but its configuration.
        String user = "trafficserver";
        Path var = CacheProcess.ownedBy(dir.resolve("var"), user);
        Path run = CacheProcess.ownedBy(dir.resolve("run"), user);
        Path logs = CacheProcess.ownedBy(dir.resolve("log"), user);
        Path cache = CacheProcess.ownedBy(dir.resolve("cache"), user);
        String records = ConfigTemplate.fill(recordsTemplate, Map.of(
                "LISTEN_HOST", listenHost,
                "LISTEN_PORT", Integer.toString(port))) + """

                # this test's instance: a small footprint on a 2-core box
                CONFIG proxy.config.admin.user_id STRING %s
                CONFIG proxy.config.exec_thread.autoconfig INT 0
                CONFIG proxy.config.exec_thread.limit INT 1
                CONFIG proxy.config.accept_threads INT 0
                CONFIG proxy.config.task_threads INT 1
                CONFIG proxy.config.cache.ram_cache.size INT 16777216
                CONFIG proxy.config.net.connections_throttle INT 1000
                CONFIG proxy.config.log.logging_enabled INT 0
                CONFIG proxy.config.body_factory.template_sets_dir STRING /etc/trafficserver/body_factory
                """.formatted(user);
        CacheProcess.writeReadable(etc.resolve("records.config"), records);
        CacheProcess.writeReadable(etc.resolve("remap.config"), ConfigTemplate.fill(remapTemplate, Map.of(
                "BACKEND_HOST", backendHost,
                "BACKEND_PORT", Integer.toString(backendPort))));
        CacheProcess.writeReadable(etc.resolve("ip_allow.yaml"), ipAllow);
        CacheProcess.writeReadable(etc.resolve("storage.config"), cache + " 64M\n");
        for (String empty : EMPTY_CONFIGS) {
            CacheProcess.writeReadable(etc.resolve(empty), "");
        }
        // The run root points ATS at this directory for everything it reads and writes; binaries stay Debian's.
        Path runroot = CacheProcess.writeReadable(dir.resolve("runroot.yaml"), """
                prefix: %s
                exec_prefix: /usr
                bindir: /usr/bin
                sbindir: /usr/sbin
                sysconfdir: %s
                datadir: /usr/share/trafficserver
                includedir: /usr/include
                libdir: /usr/lib/trafficserver
                libexecdir: /usr/lib/trafficserver/modules
                localstatedir: %s
                runtimedir: %s
                logdir: %s
                cachedir: %s
                """.formatted(dir, etc, var, run, logs, cache));
        return CacheProcess.start("trafficserver", List.of("traffic_server", "--run-root=" + runroot), dir, listenHost,
                port);
    }
}
