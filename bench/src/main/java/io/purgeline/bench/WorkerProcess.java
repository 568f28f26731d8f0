package io.purgeline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One purgeline worker (or agent) running as its own JVM from its runnable jar, as in production: the system tests
 * and the chaos test need real processes to kill with SIGKILL and to stop with SIGTERM.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final String host;
    private final int port;
    private final Path log;
    private final ProcessBuilder command;
    private volatile Process process;

    private WorkerProcess(String name, String host, int port, Path log, ProcessBuilder command) throws IOException {
        this.name = name;
        this.host = host;
        this.port = port;
        this.log = log;
        this.command = command;
        this.process = command.start();
    }

    /**
     * Starts {@code <home>/<module>/target/<module>.jar} with the given environment (added to this process's), HTTP on
     * {@code host:port}, output appended to {@code <logDir>/<name>.log}.
     */
    public static WorkerProcess start(Path home, String module, String name, Map<String, String> env, String host,
            int port, Path logDir) throws IOException {
        Path jar = home.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (mvn -DskipTests package)");
        }
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions(module));
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // glibc's per-thread malloc arenas (up to 8 per core, 64 MiB each) hold on to native memory the JVM freed.
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        pb.environment().putAll(env);
        pb.environment().put("PURGELINE_HTTP_HOST", host);
        pb.environment().put("PURGELINE_HTTP_PORT", Integer.toString(port));
        return new WorkerProcess(name, host, port, log, pb);
    }

    /**
     * The JVM options a module runs with (docs/architecture.md, memory): small heaps and the serial collector, several
     * JVMs sharing two cores with the services; the agent, which runs beside the cache on every edge, the smallest.
     */
    public static List<String> jvmOptions(String module) {
        return module.equals("edge-agent")
                ? List.of("-Xms8m", "-Xmx40m", "-XX:+UseSerialGC", "-Xss256k", "-XX:ReservedCodeCacheSize=24m",
                        "-XX:TieredStopAtLevel=1")
                : List.of("-Xms32m", "-Xmx160m", "-XX:+UseSerialGC", "-Xss512k", "-XX:ReservedCodeCacheSize=48m");
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://" + host + ":" + port;
    }

    public Path log() {
        return log;
    }

    /** The operating system's id of the running process (for /proc and jcmd); it changes on relaunch. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code /readyz} answers 200; fails early, with the log's tail, if the process dies. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        Instant until = Instant.now().plus(timeout);
        HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl() + "/readyz"))
                .timeout(Duration.ofSeconds(1)).build();
        while (Instant.now().isBefore(until)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                if (PROBE.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    /** Starts the worker again, same jar, environment and port, after it was killed or stopped. */
    public void relaunch() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        process = command.start();
    }

    /** SIGKILL without waiting for the process to end (to kill many at once; {@link #kill} then waits). */
    public void killNow() {
        process.destroyForcibly();
    }

    /** SIGKILL: no shutdown hook runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, then waits for the graceful stop (SIGKILL after 30 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** The last lines of the process's log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
