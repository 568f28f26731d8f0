package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Heartbeat;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Stands in for callback-worker: records the agent's result callbacks and heartbeats and checks their signatures. */
final class CallbackSink implements AutoCloseable {
    static final String CALLBACK_PATH = "/v1/agent/callback";

    private final RecordingServer server;
    private final String secret;
    private final Codec codec = Codec.standard();

    private CallbackSink(RecordingServer server, String secret) {
        this.server = server;
        this.secret = secret;
    }

    static CallbackSink start(String secret) throws IOException {
        return start(secret, r -> RecordingServer.Answer.of(200, "{}"));
    }

    static CallbackSink start(String secret, RecordingServer.Responder responder) throws IOException {
        return new CallbackSink(RecordingServer.start(responder), secret);
    }

    String callbackApi() {
        return server.url() + CALLBACK_PATH;
    }

    String baseUrl() {
        return server.url();
    }

    /** Every result callback received so far, answered or not. */
    List<RecordingServer.Received> callbacks() {
        return server.received(CALLBACK_PATH);
    }

    /** Every callback received for the subtask, in arrival order. */
    List<RecordingServer.Received> callbacksFor(String subtaskId) {
        return server.received(CALLBACK_PATH).stream().filter(r -> resultIn(r, subtaskId).isPresent()).toList();
    }

    /** The subtask ids each callback reported, in arrival order. */
    List<List<String>> reportedPerCallback() {
        return callbacks().stream().map(r -> codec.decode(r.body(), r.header("Content-Encoding"), AgentCallback.class)
                .results().stream().map(SubtaskResult::subtaskId).toList()).toList();
    }

    /** Waits for the subtask's result and checks that the callback carrying it was signed with the agent secret. */
    SubtaskResult awaitResult(String subtaskId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> !callbacksFor(subtaskId).isEmpty());
        RecordingServer.Received callback = callbacksFor(subtaskId).get(0);
        assertSigned(callback);
        return resultIn(callback, subtaskId).orElseThrow();
    }

    List<Heartbeat> heartbeats() {
        return server.received("/v1/agent/heartbeat").stream().peek(this::assertSigned)
                .map(r -> codec.decode(r.body(), r.header("Content-Encoding"), Heartbeat.class)).toList();
    }

    void assertSigned(RecordingServer.Received r) {
        long ts = Long.parseLong(r.header(Signatures.TIMESTAMP));
        assertThat(r.header(Signatures.TOKEN))
                .as("Token of %s %s", r.method(), r.pathAndQuery())
                .isEqualTo(Signatures.sign(secret, r.method(), r.pathAndQuery(), ts, r.body()));
    }

    private Optional<SubtaskResult> resultIn(RecordingServer.Received r, String subtaskId) {
        AgentCallback cb = codec.decode(r.body(), r.header("Content-Encoding"), AgentCallback.class);
        return cb.results().stream().filter(s -> s.subtaskId().equals(subtaskId)).findFirst();
    }

    @Override
    public void close() {
        server.close();
    }
}
