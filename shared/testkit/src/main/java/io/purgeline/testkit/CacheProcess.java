package io.purgeline.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real cache server started by a test as its own foreground child process on loopback, in a working directory of
 * its own: no system service, no shared state. {@link #close()} stops it and removes the directory. The cache kinds
 * ({@link Nginx}, {@link Squid}, {@link TrafficServer}) write their configuration and hand the command here.
 */
public final class CacheProcess implements EdgeCache {
    /** Every cache here starts within 1–3 s; 30 s leaves room on a busy CI box. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path dir;
    private final Path log;
    private final String host;
    private final int port;

    private CacheProcess(String name, Process process, Path dir, Path log, String host, int port) {
        this.name = name;
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.host = host;
        this.port = port;
    }

    /**
     * A fresh working directory, readable by everyone: run as root, each of these caches serves from an unprivileged
     * user (nobody, proxy, trafficserver) that must read its configuration.
     */
    static Path workingDirectory(String name) throws IOException {
        return Files.createTempDirectory("purgeline-" + name + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    /** Writes a file readable by the cache's unprivileged user. */
    static Path writeReadable(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        return file;
    }

    /** Creates {@code dir} owned by {@code user}: where a cache that dropped root writes its cache, logs and pid. */
    static Path ownedBy(Path dir, String user) throws IOException {
        Files.createDirectories(dir);
        Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
        return dir;
    }

    /** Starts {@code command} in {@code dir}, its output in {@code dir/<name>.out}, and returns once it answers HTTP. */
    static CacheProcess start(String name, List<String> command, Path dir, String host, int port) throws IOException {
        Path log = dir.resolve(name + ".out");
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        CacheProcess cache = new CacheProcess(name, process, dir, log, host, port);
        try {
            cache.awaitAnswering();
            return cache;
        } catch (RuntimeException e) {
            cache.close();
            throw e;
        }
    }

    @Override
    public String url() {
        return "http://" + host + ":" + port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The cache's working directory, where its configuration and logs are. */
    public Path dir() {
        return dir;
    }

    /**
     * Waits until the cache answers. The probe is a malformed request line, which every cache refuses with 400 before
     * it looks at its configuration: it proves the cache is serving without sending anything to the origin.
     */
    private void awaitAnswering() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (answers()) {
                return;
            }
            try {
                // waitFor doubles as the pause between probes and notices at once when the cache gave up.
                if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + " on " + url()
                            + ":\n" + output());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + name, e);
            }
        }
        throw new IllegalStateException(name + " did not answer on " + url() + " within " + START_TIMEOUT + ":\n"
                + output());
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PROBE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(5), StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException e) {
            return false;
        }
    }

    /** What the cache printed, and the log files in its directory: the reason it did not start. */
    private String output() {
        try (Stream<Path> files = Files.walk(dir)) {
            StringBuilder out = new StringBuilder();
            for (Path file : files.filter(p -> p.equals(log) || p.toString().endsWith(".log")).toList()) {
                out.append("--- ").append(file.getFileName()).append('\n').append(Files.readString(file));
            }
            return out.toString();
        } catch (IOException | UncheckedIOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Stops the cache (SIGTERM; it takes its worker processes down with it) and removes the working directory. */
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
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp directory is harmless; the cache process is what must not leak.
        }
    }
}
