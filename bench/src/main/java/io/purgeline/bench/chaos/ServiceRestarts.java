package io.purgeline.bench.chaos;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Restarts the machine's RabbitMQ and Redis as the chaos run's faults, with the same commands that start them
 * (shared SERVICES.md). Redis is shut down with SAVE, so that it comes back with its data: it is run without
 * persistence, and a restart that wiped it would test Redis losing everything, a different fault.
 */
public final class ServiceRestarts {
    private ServiceRestarts() {}

    /** Stops and starts the RabbitMQ application: every connection drops, durable queues survive. */
    public static void rabbitmq() throws IOException, InterruptedException {
        run(Duration.ofSeconds(120), "rabbitmqctl", "stop_app");
        run(Duration.ofSeconds(120), "rabbitmqctl", "start_app");
        run(Duration.ofSeconds(120), "rabbitmqctl", "await_startup");
    }

    public static void redis() throws IOException, InterruptedException {
        run(Duration.ofSeconds(30), "redis-cli", "-h", "127.0.0.1", "shutdown", "save");
        run(Duration.ofSeconds(30), "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1",
                "--port", "6379", "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
                "--logfile", "/var/log/redis/ci.log");
        Instant until = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(until)) {
            Process ping = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "ping").start();
            if (ping.waitFor(5, TimeUnit.SECONDS) && new String(ping.getInputStream().readAllBytes()).trim()
                    .equals("PONG")) {
                return;
            }
            Thread.sleep(100); // polling a service that is starting, not test synchronisation
        }
        throw new IllegalStateException("Redis did not come back within 30 s");
    }

    private static void run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
        }
        // redis-cli shutdown closes the connection as the server exits; its exit code says nothing useful.
        if (p.exitValue() != 0 && !command[0].equals("redis-cli")) {
            throw new IllegalStateException(String.join(" ", command) + " failed: "
                    + new String(p.getInputStream().readAllBytes()));
        }
    }
}
