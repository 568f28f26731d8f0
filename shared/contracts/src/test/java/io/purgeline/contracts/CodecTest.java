package io.purgeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
    private final Codec codec = new Codec(256);

    @Test
    void fieldsAreSnakeCaseAndTimesAreRfc3339() {
        TaskEvent e = new TaskEvent("t1", "acme", "refresh", "completed", 2, 2, 0, 0, null,
                List.of(new FailedNode("edge-1", "x")), Instant.parse("2026-11-25T10:00:00Z"), null, null);
        String json = codec.toJson(e);
        assertThat(json).contains("\"task_id\":\"t1\"", "\"failed_nodes\":[{\"node_id\":\"edge-1\"",
                "\"accepted_at\":\"2026-11-25T10:00:00Z\"");
        assertThat(codec.fromJson(json, TaskEvent.class)).isEqualTo(e);
    }

    @Test
    void bodiesAboveTheThresholdRoundTripThroughSnappy() {
        List<String> urls = java.util.stream.IntStream.range(0, 100)
                .mapToObj(i -> "https://www.example.com/assets/" + i + ".js").toList();
        AgentSubtask s = new AgentSubtask("t@n", "t", TaskType.REFRESH, urls, null, null, null, "tok");
        Encoded encoded = codec.encode(s);
        assertThat(encoded.contentEncoding()).isEqualTo(Codec.SNAPPY);
        assertThat(codec.decode(encoded.body(), encoded.contentEncoding(), AgentSubtask.class)).isEqualTo(s);
        assertThat(codec.encode(new FailedNode("n", "small")).compressed()).isFalse();
    }

    @Test
    void undecodableBodiesFailWithAMessageThatSaysWhy() {
        assertThatThrownBy(() -> codec.decode("{oops".getBytes(StandardCharsets.UTF_8), null, TaskSubmission.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("not a valid TaskSubmission");
        assertThatThrownBy(() -> codec.decode("{}".getBytes(StandardCharsets.UTF_8), Codec.SNAPPY, TaskSubmission.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("snappy");
        assertThatThrownBy(() -> codec.decode("{}".getBytes(StandardCharsets.UTF_8), "gzip", TaskSubmission.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("gzip");
        assertThatThrownBy(() -> codec.fromJson("{\"accepted_at\": 5}", TaskEvent.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("RFC 3339");
    }

    @Test
    void unknownTaskTypesDecodeAsNullSoTheValidatorCanNameThem() {
        AgentSubtask s = codec.fromJson("{\"subtask_id\":\"a\",\"type\":\"nope\"}", AgentSubtask.class);
        assertThat(s.type()).isNull();
        assertThat(TaskType.fromWire("refresh_dir")).contains(TaskType.REFRESH_DIR);
    }

    @Test
    void anItemResultFromAnAgentThatDoesNotVerifyDecodesWithoutVerification() {
        ItemResult old = codec.fromJson("{\"target\":\"https://a.example/x\",\"http_code\":200,\"bytes\":0,"
                + "\"elapsed_ms\":3}", ItemResult.class);
        assertThat(old).isEqualTo(new ItemResult("https://a.example/x", 200, 0, 3, null));
        assertThat(old.verification()).isNull();
        assertThat(codec.toJson(old)).doesNotContain("verification");

        ItemResult verified = new ItemResult("https://a.example/x", 200, 0, 3, null,
                new Verification(true, 200, "X-Cache: MISS"));
        assertThat(codec.toJson(verified))
                .contains("\"verification\":{\"fresh\":true,\"http_code\":200,\"evidence\":\"X-Cache: MISS\"}");
        assertThat(codec.fromJson(codec.toJson(verified), ItemResult.class)).isEqualTo(verified);
    }

    @Test
    void taskOptionsWithoutHlsDecodeAsBefore() {
        TaskOptions options = codec.fromJson("{\"soft\":true,\"headers\":{\"User-Agent\":\"x\"}}", TaskOptions.class);
        assertThat(options).isEqualTo(new TaskOptions(true, null, null, java.util.Map.of("User-Agent", "x")));
        assertThat(codec.fromJson("{\"hls\":true}", TaskOptions.class).hls()).isTrue();
    }
}
