package io.purgeline.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts a real cache of any kind the agent drives, with the reference configuration the agent ships. */
public final class EdgeCaches {
    private EdgeCaches() {}

    /**
     * @param kind         a {@code PURGELINE_CACHE_KIND}: varnish, nginx, ats or squid
     * @param referenceDir the agent's reference configurations ({@code edge-agent/src/main/resources})
     */
    public static EdgeCache start(String kind, Path referenceDir, String backendHost, int backendPort,
            String listenHost, int port) throws IOException {
        return switch (kind) {
            case "varnish" -> Varnish.start(Varnish.vcl(read(referenceDir, "varnish/purgeline.vcl"), backendHost,
                    backendPort), listenHost, port);
            case "nginx" -> Nginx.start(read(referenceDir, "nginx/purgeline.conf"), backendHost, backendPort,
                    listenHost, port);
            case "ats" -> TrafficServer.start(read(referenceDir, "trafficserver/records.config"),
                    read(referenceDir, "trafficserver/remap.config"), read(referenceDir, "trafficserver/ip_allow.yaml"),
                    backendHost, backendPort, listenHost, port);
            case "squid" -> Squid.start(read(referenceDir, "squid/purgeline.conf"), backendHost, backendPort,
                    listenHost, port);
            default -> throw new IllegalArgumentException("no test cache of kind '" + kind
                    + "'; known: varnish, nginx, ats, squid");
        };
    }

    private static String read(Path referenceDir, String name) throws IOException {
        return Files.readString(referenceDir.resolve(name));
    }
}
