package io.purgeline.cli;

import io.purgeline.service.JvmOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Run every worker on this machine in the foreground, each on its documented port, their logs "
                + "interleaved (prefixed by worker). Ctrl-C stops them gracefully, intake first.",
                "The workers read the usual PURGELINE_* variables (README \"Configuration\"); bin/purgeline starts "
                        + "RabbitMQ, Redis and MariaDB first if they are down."})
final class UpCommand extends ApiCommand {
    private static final Duration READY = Duration.ofSeconds(90);
    /** Longer than a worker's own grace period, so that a worker is never cut short by this command. */
    private static final Duration STOP = Duration.ofSeconds(45);

    @Option(names = "--port", paramLabel = "WORKER=PORT",
            description = "another port for a worker (ingest, dispatch, callback, saver, alert)")
    Map<String, Integer> ports = new LinkedHashMap<>();

    private record Running(Worker worker, int port, Process process, Thread pump) {}

    private final List<Running> running = new ArrayList<>();
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        String host = System.getenv().getOrDefault("PURGELINE_HTTP_HOST", "127.0.0.1");
        Map<Worker, Integer> chosen = new LinkedHashMap<>();
        for (Worker w : Worker.values()) {
            int port = ports.getOrDefault(w.key, w.port);
            checkFree(w, host, port);
            chosen.put(w, port);
        }
        Thread stopper = new Thread(this::stopAll, "purgeline up: stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        PrintWriter out = common.out();
        for (Map.Entry<Worker, Integer> e : chosen.entrySet()) {
            running.add(start(e.getKey(), host, e.getValue(), chosen.get(Worker.CALLBACK), out));
        }
        for (Running r : running) {
            awaitReady(r, host);
        }
        if (common.json) {
            Map<String, String> urls = new LinkedHashMap<>();
            running.forEach(r -> urls.put(r.worker().key, "http://" + host + ":" + r.port()));
            common.printJson(Map.of("up", urls));
        } else {
            StringBuilder s = new StringBuilder("purgeline is up:");
            running.forEach(r -> s.append(' ').append(r.worker().key).append(" http://").append(host).append(':')
                    .append(r.port()));
            common.println(s + " (Ctrl-C stops)");
        }
        CompletableFuture.anyOf(running.stream().map(r -> r.process().onExit()).toArray(CompletableFuture[]::new))
                .join();
        if (stopping) {
            return ExitCodes.OK;
        }
        Running gone = running.stream().filter(r -> !r.process().isAlive()).findFirst().orElseThrow();
        common.println("up: " + gone.worker().module + " exited with " + gone.process().exitValue()
                + "; stopping the others");
        Runtime.getRuntime().removeShutdownHook(stopper);
        stopAll();
        return ExitCodes.SERVER_ERROR;
    }

    private static void checkFree(Worker w, String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new CliException(ExitCodes.SERVER_ERROR, "port_taken", "port " + port + " on " + host + " ("
                    + w.module + ") is taken: is purgeline up already? (`bin/purgeline stats` shows what answers) "
                    + "Another port: --port " + w.key + "=PORT");
        }
    }

    private Running start(Worker w, String host, int port, int callbackPort, PrintWriter out) throws IOException {
        // Each worker in a session of its own: Ctrl-C reaches this command only, which stops the workers one by
        // one, intake first; a second signal would make a worker exit at once.
        List<String> cmd = new ArrayList<>(List.of("setsid", Home.java()));
        cmd.addAll(JvmOptions.of(w.module));
        cmd.addAll(List.of("-jar", Home.jar(w.module).toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(JvmOptions.environment());
        pb.environment().put("PURGELINE_HTTP_HOST", host);
        pb.environment().put("PURGELINE_HTTP_PORT", Integer.toString(port));
        pb.environment().put("PURGELINE_WORKER", w.module);
        pb.environment().putIfAbsent("PURGELINE_CALLBACK_API",
                "http://" + host + ":" + callbackPort + "/v1/agent/callback");
        Process p = pb.start();
        String prefix = String.format("%-9s| ", w.key);
        Thread pump = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (out) {
                        out.println(prefix + line);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the process is gone; its exit is reported by call()
            }
        }, "purgeline up: " + w.key + " log");
        pump.start();
        return new Running(w, port, p, pump);
    }

    private void awaitReady(Running r, String host) throws InterruptedException {
        ApiClient probe = new ApiClient("http://" + host + ":" + r.port(), r.worker().module,
                "--port " + r.worker().key);
        long until = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < until) {
            if (!r.process().isAlive()) {
                throw new CliException(ExitCodes.SERVER_ERROR, "worker_exited", r.worker().module + " exited with "
                        + r.process().exitValue() + " while starting (its log is above)");
            }
            try {
                probe.get("/readyz");
                return;
            } catch (CliException notYet) {
                r.process().waitFor(200, TimeUnit.MILLISECONDS);
            }
        }
        throw new CliException(ExitCodes.SERVER_ERROR, "not_ready", r.worker().module + " not ready after "
                + READY.toSeconds() + " s (its log is above)");
    }

    /** SIGTERM to each worker, intake first, each given time to finish what it took. */
    private synchronized void stopAll() {
        stopping = true;
        for (int i = running.size() - 1; i >= 0; i--) {
            Running r = running.get(i);
            // SIGTERM through the handle: Process.destroy() would also close the pipe its last log lines come on.
            r.process().toHandle().destroy();
            try {
                if (!r.process().waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
                    r.process().destroyForcibly();
                }
                r.pump().join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r.process().destroyForcibly();
            }
        }
    }
}
