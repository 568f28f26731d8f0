package io.purgeline.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Varnish ({@code varnishd}) started by a test as its own child process on loopback, with the test's VCL: no
 * system service, no shared state. {@link #close()} stops it and removes its working directory.
 */
public final class Varnish implements EdgeCache {
    /** Compiling the VCL and starting the cache child takes 1–3 s here; 30 s leaves room on a busy CI box. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final String host;
    private final int port;

    private Varnish(Process process, Path dir, String host, int port) {
        this.process = process;
        this.dir = dir;
        this.host = host;
        this.port = port;
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
     * Starts {@code varnishd} in the foreground listening on {@code listenHost:port} and returns once it answers HTTP.
     * Run as root, varnishd drops its privileges to the {@code varnish}/{@code vcache} users (the default unix jail),
     * so its working directory and VCL file are made readable to them.
     */
    public static Varnish start(String vclText, String listenHost, int port) throws IOException {
        Path dir = Files.createTempDirectory("purgeline-varnish-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path vcl = dir.resolve("purgeline.vcl");
        Files.writeString(vcl, vclText, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(vcl, PosixFilePermissions.fromString("rw-r--r--"));
        Path log = dir.resolve("varnishd.log");
        Process process = new ProcessBuilder(List.of("varnishd", "-F",
                "-n", dir.resolve("work").toString(),
                "-a", listenHost + ":" + port,
                "-f", vcl.toString(),
                "-s", "malloc,32m",
                "-T", "none"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Varnish varnish = new Varnish(process, dir, listenHost, port);
        try {
            varnish.awaitAnswering(log);
            return varnish;
        } catch (IOException | RuntimeException e) {
            varnish.close();
            throw e;
        }
    }

    @Override
    public String url() {
        return "http://" + host + ":" + port;
    }

    public int port() {
        return port;
    }

    /**
     * Waits until the cache child answers. The probe is a malformed request line, which varnishd refuses with 400
     * before any VCL runs: it proves the child is serving without sending anything to the backend or into the cache.
     */
    private void awaitAnswering(Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (answers()) {
                return;
            }
            try {
                // waitFor doubles as the pause between probes and notices at once when varnishd gave up.
                if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("varnishd exited with " + process.exitValue() + " on " + url()
                            + ":\n" + Files.readString(log));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting varnishd", e);
            }
        }
        throw new IllegalStateException("varnishd did not answer on " + url() + " within " + START_TIMEOUT + ":\n"
                + Files.readString(log));
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PROBE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(5);
            return new String(head, StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops varnishd (it takes its cache child down with it) and removes the working directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless; the cache process is what must not leak.
        }
    }
}
