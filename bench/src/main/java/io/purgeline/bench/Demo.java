package io.purgeline.bench;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskAccepted;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.testkit.Namespace;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bin/purgeline demo}: the whole pipeline on this machine, end to end. Starts every worker and a few edge nodes
 * (real Varnish + agent each), caches an object on every edge, changes it at the origins, submits a purge, follows it
 * to completion, and shows each edge serving the new version. Everything runs in a fresh namespace, removed at exit.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) throws Exception {
        int edges = 3;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--edges" -> edges = Integer.parseInt(args[++i]);
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --edges N, --keep)");
            }
        }
        Path home = LocalStack.home();
        Codec codec = Codec.standard();
        try (Namespace ns = new Namespace().open("demo")) {
            say("namespace %s on RabbitMQ, Redis and MariaDB (topology declared)", ns.config().namespace());
            Path logs = home.resolve("run").resolve(ns.config().namespace());
            say("starting 5 workers and %d edge nodes; logs in %s", edges, logs);
            try (LocalStack stack = LocalStack.start(home, ns.env(), logs, edges)) {
                for (WorkerProcess w : stack.workers()) {
                    say("  %-22s %s", w.name(), w.baseUrl());
                }
                String url = "http://www.example.com/static/app-" + UUID.randomUUID().toString().substring(0, 8) + ".js";
                say("caching %s on every edge", url);
                for (LocalStack.Edge e : stack.edges()) {
                    e.fetch(url);
                    CacheFetch.Response r = e.fetch(url);
                    e.origin().publish("v2");
                    say("  %-8s %s:%d  X-Cache=%s  body=\"%s\"  (origin now has v2)", e.nodeId(), e.cacheHost(),
                            e.cachePort(), r.header("X-Cache"), r.body());
                }

                HttpResponse<String> submitted = stack.post("/v1/tasks",
                        "{\"type\":\"refresh\",\"urls\":[\"" + url + "\"]}");
                if (submitted.statusCode() != 202) {
                    throw new IllegalStateException("submission refused: " + submitted.body());
                }
                String taskId = codec.fromJson(submitted.body(), TaskAccepted.class).taskId();
                say("submitted refresh task %s -> %s", taskId, submitted.body());

                Instant start = Instant.now();
                TaskStatus status;
                do {
                    Thread.sleep(50); // a person watching: poll the status API as a client would
                    status = codec.fromJson(stack.get("/v1/tasks/" + taskId).body(), TaskStatus.class);
                    if (Duration.between(start, Instant.now()).toSeconds() > 60) {
                        throw new IllegalStateException("task not final after 60 s: " + status.state());
                    }
                } while (!status.state().equals("completed") && !status.state().equals("failed")
                        && !status.state().equals("expired"));
                say("task %s %s in %d ms: %d/%d nodes done, %d failed", taskId, status.state(),
                        Duration.between(start, Instant.now()).toMillis(), status.done(), status.total(),
                        status.failed());
                for (TaskStatus.NodeStatus n : status.nodes()) {
                    say("  %-8s %-7s http=%s attempts=%d %s", n.nodeId(), n.state(), n.httpCode(), n.attempts(),
                            n.lastError() == null ? "" : n.lastError());
                }
                for (LocalStack.Edge e : stack.edges()) {
                    CacheFetch.Response r = e.fetch(url);
                    say("  %-8s now serves \"%s\" (X-Cache=%s)", e.nodeId(), r.body(), r.header("X-Cache"));
                }
                if (keep) {
                    say("running; ingest API at %s — Ctrl-C stops everything", stack.ingestUrl());
                    // The main thread waits forever; on Ctrl-C this hook stops the processes and removes the namespace.
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            stack.close();
                            ns.close();
                        } catch (Exception e) {
                            e.printStackTrace();
                        }
                    }));
                    new CountDownLatch(1).await();
                }
            }
        }
        say("stopped and cleaned up");
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
