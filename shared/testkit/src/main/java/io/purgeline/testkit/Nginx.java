package io.purgeline.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Starts a real nginx (Debian {@code nginx} with {@code libnginx-mod-http-cache-purge}) for a test. */
public final class Nginx {
    private static final String PURGE_MODULE = "/usr/lib/nginx/modules/ngx_http_cache_purge_module.so";

    private Nginx() {}

    /**
     * Starts nginx in the foreground on {@code listenHost:port} with the agent's reference configuration
     * ({@code nginx/purgeline.conf}, included in http { }) in front of the origin, caching into its own directory.
     */
    public static CacheProcess start(String confTemplate, String backendHost, int backendPort, String listenHost,
            int port) throws IOException {
        Path dir = CacheProcess.workingDirectory("nginx");
        String server = ConfigTemplate.fill(confTemplate, Map.of(
                "LISTEN", listenHost + ":" + port,
                "CACHE_DIR", dir.resolve("cache").toString(),
                "BACKEND_HOST", backendHost,
                "BACKEND_PORT", Integer.toString(backendPort)));
        Path included = CacheProcess.writeReadable(dir.resolve("purgeline.conf"), server);
        // Everything nginx writes stays in the directory: pid, temp files, logs (to the process output).
        Path main = CacheProcess.writeReadable(dir.resolve("nginx.conf"), """
                load_module %s;
                daemon off;
                master_process on;
                worker_processes 1;
                pid %s;
                error_log stderr notice;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %s;
                    proxy_temp_path %s;
                    fastcgi_temp_path %s;
                    uwsgi_temp_path %s;
                    scgi_temp_path %s;
                    include %s;
                }
                """.formatted(PURGE_MODULE, dir.resolve("nginx.pid"), dir.resolve("body-temp"), dir.resolve("proxy-temp"),
                dir.resolve("fastcgi-temp"), dir.resolve("uwsgi-temp"), dir.resolve("scgi-temp"), included));
        return CacheProcess.start("nginx", List.of("nginx", "-e", "stderr", "-p", dir.toString(), "-c",
                main.toString()), dir, listenHost, port);
    }
}
