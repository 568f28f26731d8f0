package io.purgeline.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import io.purgeline.service.HttpError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A callback batch from the outside, decoded and checked as the route does: whatever its shape, it is taken or
 * refused with a 400 naming the problem; nothing else escapes (which would answer 500 and make the agent retry).
 */
class CallbackFuzzTest {
    private static final Codec CODEC = Codec.standard();

    @Property(tries = 200)
    void anyCallbackBodyIsTakenOrRefusedWith400(@ForAll("callbacks") String json) {
        try {
            AgentCallback callback = CODEC.decodeStrict(json.getBytes(StandardCharsets.UTF_8), null,
                    AgentCallback.class);
            CallbackValidator.check(callback);
            assertThat(callback.results()).isNotEmpty();
        } catch (CodecException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        } catch (HttpError refused) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> callbacks() {
        Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(10).map(CODEC::toJson),
                Arbitraries.of("\"t-1\"", "\"t-1@e1\"", "\"e1\"", "\"done\"", "\"failed\"", "\"running\"",
                        "\"2026-11-30T11:00:00Z\"", "null", "1", "[]", "{}", "true"));
        Arbitrary<String> item = field(List.of("target", "http_code", "bytes", "elapsed_ms", "error", "extra"), text)
                .map(fs -> "{" + fs + "}");
        Arbitrary<String> items = Arbitraries.oneOf(item, Arbitraries.just("null")).list().ofMaxSize(3)
                .map(is -> "[" + String.join(",", is) + "]");
        Arbitrary<String> result = field(List.of("subtask_id", "task_id", "callback_token", "state", "started_at",
                "finished_at"), text)
                .flatMap(fs -> items.map(is -> "{" + fs + (fs.isEmpty() ? "" : ",") + "\"items\":" + is + "}"));
        Arbitrary<String> results = Arbitraries.oneOf(result, Arbitraries.just("null")).list().ofMaxSize(3)
                .map(rs -> "[" + String.join(",", rs) + "]");
        return Combinators.combine(text, Arbitraries.oneOf(results, text))
                .as((node, rs) -> "{\"node_id\":" + node + ",\"results\":" + rs + "}");
    }

    private static Arbitrary<String> field(List<String> names, Arbitrary<String> values) {
        return Combinators.combine(Arbitraries.of(names), values).as((n, v) -> "\"" + n + "\":" + v)
                .list().ofMaxSize(names.size()).map(fs -> fs.stream().distinct().collect(Collectors.joining(",")));
    }
}
