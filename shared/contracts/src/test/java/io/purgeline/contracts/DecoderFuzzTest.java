package io.purgeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xerial.snappy.Snappy;

/**
 * Whatever bytes arrive, every decoder from outside answers with a value or a {@link CodecException}, never anything
 * else (which would be a 500, or a consumer that cannot tell poison from an outage). Inputs: raw bytes, JSON that is
 * nearly right (the contract's field names with values of any shape, unknown fields, deep nesting), and snappy
 * framing, valid or not, including blocks that claim huge lengths. Tries are few: this runs in every build.
 */
class DecoderFuzzTest {
    private static final Codec CODEC = new Codec(256, 64 << 10);
    private static final List<Class<?>> OUTSIDE = List.of(TaskSubmission.class, AgentBatch.class,
            AgentCallback.class, Heartbeat.class);
    private static final List<String> FIELDS = List.of("task_id", "api_id", "type", "urls", "dirs", "tags", "scope",
            "regions", "tiers", "nodes", "priority", "deadline_s", "options", "headers", "soft", "node_id",
            "callback_api", "subtasks", "subtask_id", "callback_token", "results", "state", "items", "target",
            "http_code", "bytes", "elapsed_ms", "error", "started_at", "finished_at", "version", "cache", "queued",
            "running");

    @Property(tries = 200)
    void rawBytesDecodeOrAreRefused(@ForAll byte[] body, @ForAll("encodings") String encoding,
            @ForAll("types") Class<?> type) {
        decodeOrRefuse(body, encoding, type);
    }

    @Property(tries = 300)
    void nearlyRightJsonDecodesOrIsRefused(@ForAll("objects") String json, @ForAll("types") Class<?> type,
            @ForAll boolean compressed) throws Exception {
        byte[] plain = json.getBytes(StandardCharsets.UTF_8);
        decodeOrRefuse(compressed ? Snappy.compress(plain) : plain, compressed ? Codec.SNAPPY : null, type);
    }

    @Property(tries = 200)
    void snappyFramingWithAnyHeaderIsBoundedOrRefused(@ForAll("varints") byte[] declaredLength,
            @ForAll byte[] rest, @ForAll("types") Class<?> type) {
        byte[] body = new byte[declaredLength.length + rest.length];
        System.arraycopy(declaredLength, 0, body, 0, declaredLength.length);
        System.arraycopy(rest, 0, body, declaredLength.length, rest.length);
        decodeOrRefuse(body, Codec.SNAPPY, type);
    }

    private static void decodeOrRefuse(byte[] body, String encoding, Class<?> type) {
        try {
            assertThat(CODEC.decodeStrict(body, encoding, type)).isInstanceOf(type);
        } catch (CodecException refused) {
            assertThat(refused.code()).isIn(CodecException.BAD_BODY, CodecException.UNKNOWN_FIELD,
                    CodecException.TOO_LARGE);
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<Class<?>> types() {
        return Arbitraries.of(OUTSIDE);
    }

    @Provide
    Arbitrary<String> encodings() {
        return Arbitraries.of(null, "", "identity", "snappy", "SNAPPY", "gzip");
    }

    /** A varint of 1 to 5 bytes: the length a snappy block declares, anything up to 2^35. */
    @Provide
    Arbitrary<byte[]> varints() {
        return Arbitraries.longs().between(0, (1L << 35) - 1).map(n -> {
            List<Byte> out = new ArrayList<>();
            long v = n;
            do {
                byte b = (byte) (v & 0x7f);
                v >>>= 7;
                out.add(v == 0 ? b : (byte) (b | 0x80));
            } while (v != 0);
            byte[] bytes = new byte[out.size()];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = out.get(i);
            }
            return bytes;
        });
    }

    @Provide
    Arbitrary<String> objects() {
        return object(3);
    }

    private static Arbitrary<String> object(int depth) {
        Arbitrary<String> key = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.of(FIELDS)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(8)));
        Arbitrary<String> entry = Combinators.combine(key, value(depth - 1))
                .as((k, v) -> quote(k) + ":" + v);
        return entry.list().ofMaxSize(6).map(es -> es.stream().collect(Collectors.joining(",", "{", "}")));
    }

    private static Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(DecoderFuzzTest::quote),
                Arbitraries.of("https://www.example.com/a.js", "2026-11-30T11:00:00Z", "refresh", "done", "")
                        .map(DecoderFuzzTest::quote),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "1e999", "-0", "\"\\ud800\"", "[", "}"));
        if (depth <= 0) {
            return scalar;
        }
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, scalar),
                net.jqwik.api.Tuple.of(2, Arbitraries.lazy(() -> value(depth - 1)).list().ofMaxSize(4)
                        .map(vs -> String.join(",", vs)).map(vs -> "[" + vs + "]")),
                net.jqwik.api.Tuple.of(2, Arbitraries.lazy(() -> object(depth - 1))));
    }

    private static String quote(String s) {
        return CODEC.toJson(s);
    }

    @Property(tries = 10)
    void deepNestingIsRefusedNotOverflowed(@ForAll("depths") int depth) {
        String json = "{\"scope\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
        decodeOrRefuse(json.getBytes(StandardCharsets.UTF_8), null, TaskSubmission.class);
        String objects = "{\"options\":".repeat(depth) + "{}" + "}".repeat(depth);
        decodeOrRefuse(objects.getBytes(StandardCharsets.UTF_8), null, TaskSubmission.class);
    }

    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.integers().between(1, 5_000);
    }

    /** Sanity: the valid bodies of the contract decode strictly. */
    @Property(tries = 1)
    void validBodiesDecode() {
        TaskSubmission s = CODEC.decodeStrict(("{\"api_id\":\"a\",\"type\":\"refresh\",\"urls\":[\"https://x.example/\"],"
                + "\"scope\":{\"regions\":[\"eu\"],\"tiers\":[1],\"nodes\":[\"e1\"]},\"priority\":5,\"deadline_s\":60,"
                + "\"options\":{\"soft\":true,\"headers\":{\"User-Agent\":\"x\"}}}").getBytes(StandardCharsets.UTF_8),
                null, TaskSubmission.class);
        assertThat(s.options().headers()).isEqualTo(Map.of("User-Agent", "x"));
    }
}
