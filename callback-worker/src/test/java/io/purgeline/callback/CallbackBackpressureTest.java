package io.purgeline.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.RequestSigner;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.SaveBatcher;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.service.RecentTokens;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Callbacks waiting for their save are bounded: the one over the bound is told at once to come back (503) instead of
 * adding to what a broker that does not confirm leaves waiting.
 */
class CallbackBackpressureTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private final Codec codec = Codec.standard();
    private final AgentKeys keys = AgentKeys.from(new Env(ns.env()));

    @Test
    void aCallbackBeyondTheWaitingBoundIsToldToComeBackAndTheWaitingOneIsSaved() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        // Not begun: saves wait, as they do for a broker slow to confirm.
        SaveBatcher saves = new SaveBatcher(ns.publisher(), ns.topology(),
                new InflightDeliveries(ns.redis(), ns.keys(), ns.config().codec()));
        Refusals refusals = new Refusals(metrics);
        RequestVerifier verifier = new RequestVerifier(NodeSignatures.of(keys), new RecentTokens(Clock.systemUTC()),
                RequestVerifier.DEFAULT_WINDOW, Clock.systemUTC(), refusals);
        CallbackRoute route = new CallbackRoute(codec, keys, verifier, refusals, saves,
                new Alerts(ns.publisher(), ns.topology(), "test"), Clock.systemUTC(), metrics.counter("accepted"),
                metrics.counter("forged"), 1);
        try {
            CompletableFuture<HttpReply> first = route.handle(callback("t1")).toCompletableFuture();
            assertThat(route.waiting()).isEqualTo(1);

            assertThatThrownBy(() -> route.handle(callback("t2"))).isInstanceOfSatisfying(HttpError.class, e -> {
                assertThat(e.status()).isEqualTo(503);
                assertThat(e.getMessage()).contains("already waiting", "send these results again");
            });

            saves.begin();
            assertThat(first.get().status()).isEqualTo(200);
            assertThat(route.waiting()).isZero();
            assertThat(route.handle(callback("t3")).toCompletableFuture().get().status())
                    .as("room again once the wait is over").isEqualTo(200);
        } finally {
            saves.close();
        }
    }

    private HttpCall callback(String task) {
        String subtask = task + "@edge-1";
        AgentCallback cb = new AgentCallback("edge-1", List.of(new SubtaskResult(subtask, task,
                Signatures.callbackToken(keys.signingKey("edge-1"), subtask), SubtaskState.DONE,
                Items.of(List.of(new ItemResult("https://a.example/x", 200, 0, 1, null))), Instant.now(),
                Instant.now())));
        byte[] body = codec.toJson(cb).getBytes(StandardCharsets.UTF_8);
        Map<String, String> signed = RequestSigner.sign("POST", "/v1/agent/callback", body, "edge-1",
                keys.signingKey("edge-1"), Clock.systemUTC());
        return new HttpCall("POST", "/v1/agent/callback", Map.of(), Map.of(), signed::get, body, "127.0.0.1");
    }
}
