package io.purgeline.saver;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.runtime.Outgoing;
import io.purgeline.service.Env;
import io.purgeline.testkit.TestNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts saver-worker instances in-process on a test namespace, feeds them saves and reads their /stats. */
final class SaverInstances {
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Codec codec = Codec.standard();

    private SaverInstances() {}

    /** A saver with the namespace's configuration, any free port, and these settings on top. */
    static SaverWorker start(TestNamespace ns, Map<String, String> settings) throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.putAll(settings);
        return SaverWorker.start(new Env(env));
    }

    static Map<?, ?> stats(SaverWorker saver) {
        try {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + saver.port() + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return codec.fromJson(reply.body(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The partitions a saver reports it consumes. */
    static List<Integer> held(SaverWorker saver) {
        return ((List<?>) stats(saver).get("partitions_held")).stream().map(p -> ((Number) p).intValue()).toList();
    }

    static long counter(SaverWorker saver, String name) {
        return ((Number) stats(saver).get(name)).longValue();
    }

    /** A task's creation as ingest publishes it: on the saves exchange, keyed by task id. */
    static Outgoing save(TestNamespace ns, TaskCreated created) {
        return ns.topology().save(created.taskId(), TaskCreated.MESSAGE_TYPE, created)
                .correlationId(created.taskId());
    }

    /** Results as callback-worker publishes them. */
    static Outgoing save(TestNamespace ns, SubtaskOutcomes outcomes) {
        return ns.topology().save(outcomes.taskId(), SubtaskOutcomes.MESSAGE_TYPE, outcomes)
                .correlationId(outcomes.taskId());
    }
}
