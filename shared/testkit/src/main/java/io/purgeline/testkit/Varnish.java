package io.purgeline.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A real Varnish ({@code varnishd}) started by a test as its own child process on loopback, with the test's VCL: no
 * system service, no shared state. {@link #close()} stops it and removes its working directory.
 */
public final class Varnish implements EdgeCache {
    private final CacheProcess process;

    private Varnish(CacheProcess process) {
        this.process = process;
    }

    /** Fills the {@code {{BACKEND_HOST}}} and {@code {{BACKEND_PORT}}} placeholders of a VCL template. */
    public static String vcl(String template, String backendHost, int backendPort) {
        Objects.requireNonNull(template, "null template");
        if (!template.contains("{{BACKEND_HOST}}") || !template.contains("{{BACKEND_PORT}}")) {
            throw new IllegalArgumentException("VCL template lacks the {{BACKEND_HOST}} / {{BACKEND_PORT}} placeholders");
        }
        return template.replace("{{BACKEND_HOST}}", backendHost).replace("{{BACKEND_PORT}}", Integer.toString(backendPort));
    }

    /**
     * Starts {@code varnishd} in the foreground listening on {@code listenHost:port} and returns once it answers HTTP
     * (compiling the VCL and starting the cache child takes 1–3 s here). Run as root, varnishd drops its privileges to
     * the {@code varnish}/{@code vcache} users (the default unix jail), which read the working directory and VCL.
     */
    public static Varnish start(String vclText, String listenHost, int port) throws IOException {
        Path dir = CacheProcess.workingDirectory("varnish");
        Path vcl = CacheProcess.writeReadable(dir.resolve("purgeline.vcl"), vclText);
        return new Varnish(CacheProcess.start("varnishd", List.of("varnishd", "-F",
                "-n", dir.resolve("work").toString(),
                "-a", listenHost + ":" + port,
                "-f", vcl.toString(),
                "-s", "malloc,32m",
                "-T", "none"), dir, listenHost, port));
    }

    @Override
    public String url() {
        return process.url();
    }

    public int port() {
        return process.port();
    }

    /** Stops varnishd (it takes its cache child down with it) and removes the working directory. */
    @Override
    public void close() {
        process.close();
    }
}
