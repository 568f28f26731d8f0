package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TargetUrl;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskSubmission;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The submission decoder's second half: whatever a decoded submission holds, validation answers with a task or an
 * {@link InvalidInputException} naming the field (400 or 413), never anything else; and every URL it accepts is one
 * the agent can act on, because both read it with {@link TargetUrl}.
 */
class SubmissionFuzzTest {
    private final TaskValidator validator = new TaskValidator(50);

    @Property(tries = 400)
    void anySubmissionIsValidatedOrRefusedNamingAField(@ForAll("submissions") TaskSubmission s) {
        try {
            ValidTask task = validator.validate(s);
            assertThat(task.targets()).isNotEmpty().hasSizeLessThanOrEqualTo(50);
            if (task.type() == io.purgeline.contracts.TaskType.REFRESH) {
                task.targets().forEach(u -> assertThat(TargetUrl.HOST.matcher(TargetUrl.parse(u).host()).matches())
                        .isTrue());
            }
        } catch (InvalidInputException refused) {
            assertThat(refused.getMessage()).isNotBlank();
            assertThat(refused.httpStatus()).isIn(400, 413);
        }
    }

    @Property(tries = 400)
    void anyStringIsATargetUrlOrRefusedWithAReason(@ForAll("urls") String url) {
        try {
            TargetUrl t = TargetUrl.parse(url);
            assertThat(t.hostHeader()).isNotEmpty();
            assertThat(t.rawPath()).startsWith("/");
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 1)
    void hostsWithUnderscoresAreAcceptedByIntakeAndReadTheSameWayByTheAgent() {
        assertThat(TargetUrl.parse("https://img_cdn.example.com:8443/a.js?v=1").hostHeader())
                .isEqualTo("img_cdn.example.com:8443");
        assertThatThrownBy(() -> TargetUrl.parse("https://user@www.example.com/"))
                .hasMessageContaining("user info");
        assertThatThrownBy(() -> TargetUrl.parse("https://a..b/")).hasMessageContaining("invalid host");
        assertThatThrownBy(() -> TargetUrl.parse("https://www.example.com:0/")).hasMessageContaining("port");
    }

    @Provide
    Arbitrary<String> urls() {
        Arbitrary<String> scheme = Arbitraries.of("http://", "https://", "HTTP://", "ftp://", "", "//", "http:");
        Arbitrary<String> host = Arbitraries.oneOf(
                Arbitraries.of("www.example.com", "img_cdn.example.com", "[2001:db8::1]", "10.0.0.1", "a..b",
                        "-x.example", "user@h.example", "h.example:8080", "h.example:0", "h.example:99999", ""),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<String> path = Arbitraries.oneOf(
                Arbitraries.of("/", "/a.js", "/a b", "/%zz", "/a?x=1", "/a#frag", "", "?q", "/\u00e9"),
                Arbitraries.strings().ofMaxLength(20));
        return Combinators.combine(scheme, host, path).as((a, b, c) -> a + b + c);
    }

    @Provide
    Arbitrary<TaskSubmission> submissions() {
        Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of("refresh", "prefetch", "refresh_dir", "refresh_tag", "acme", "t-1", "e1"));
        Arbitrary<List<String>> targets = Arbitraries.oneOf(urls(), text).injectNull(0.05).list().ofMaxSize(60)
                .injectNull(0.2);
        Arbitrary<Map<String, String>> headers = Arbitraries.maps(
                Arbitraries.oneOf(Arbitraries.of("User-Agent", "Host", "X-Big"), Arbitraries.strings().ofMaxLength(70)),
                Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20), Arbitraries.of("a".repeat(2000), "x\r\ny"))
                        .injectNull(0.05)).ofMaxSize(40).injectNull(0.3);
        Arbitrary<TaskOptions> options = Combinators.combine(Arbitraries.of(true, false).injectNull(0.3), headers)
                .as((soft, h) -> new TaskOptions(soft, null, null, h)).injectNull(0.3);
        Arbitrary<Scope> scope = Combinators.combine(text.injectNull(0.1).list().ofMaxSize(3).injectNull(0.5),
                        Arbitraries.integers().between(-2, 12).injectNull(0.1).list().ofMaxSize(3).injectNull(0.5),
                        text.injectNull(0.1).list().ofMaxSize(3).injectNull(0.5))
                .as(Scope::new).injectNull(0.5);
        Arbitrary<Integer> number = Arbitraries.integers().between(-5, 100_000).injectNull(0.4);
        return Combinators.combine(text.injectNull(0.3), text.injectNull(0.1), text.injectNull(0.05), targets,
                        targets, targets, scope, number)
                .flatAs((id, api, type, urls, dirs, tags, sc, priority) -> Combinators.combine(number, options)
                        .as((deadline, opts) -> new TaskSubmission(id, api, type, urls, dirs, tags, sc, priority,
                                deadline, opts)));
    }
}
