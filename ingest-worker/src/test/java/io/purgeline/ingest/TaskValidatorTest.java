package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskValidatorTest {
    private final TaskValidator validator = new TaskValidator(TaskValidator.DEFAULT_MAX_TARGETS);

    @Test
    void aMinimalRefreshGetsAnIdPriorityDeadlineScopeAndOptions() {
        ValidTask task = validator.validate(Submissions.refresh("https://www.example.com/a.js").build());

        assertThat(task.taskId()).matches("[0-9a-f-]{36}");
        assertThat(task.apiId()).isEqualTo("acme");
        assertThat(task.type()).isEqualTo(TaskType.REFRESH);
        assertThat(task.targets()).containsExactly("https://www.example.com/a.js");
        assertThat(task.priority()).isEqualTo(5);
        assertThat(task.deadlineS()).isEqualTo(600);
        assertThat(task.scope()).isEqualTo(Scope.ALL);
        assertThat(task.options()).isEqualTo(TaskOptions.NONE);
    }

    @Test
    void generatedTaskIdsDifferPerSubmission() {
        var s = Submissions.refresh("https://www.example.com/a.js").build();

        assertThat(validator.validate(s).taskId()).isNotEqualTo(validator.validate(s).taskId());
    }

    @Test
    void givenFieldsAreKept() {
        TaskOptions options = new TaskOptions(true, false, null, Map.of("User-Agent", "x"));
        ValidTask task = validator.validate(Submissions.refresh("http://a.example/x").taskId("up:stream.1_a-b")
                .priority(9).deadlineS(86_400).options(options).build());

        assertThat(task.taskId()).isEqualTo("up:stream.1_a-b");
        assertThat(task.priority()).isEqualTo(9);
        assertThat(task.deadlineS()).isEqualTo(86_400);
        assertThat(task.options()).isEqualTo(options);
    }

    @Test
    void theDefaultDeadlineDependsOnTheType() {
        assertThat(validator.validate(Submissions.refreshDir("https://a.example/static/").build()).deadlineS())
                .isEqualTo(1800);
        assertThat(validator.validate(Submissions.refreshTag("product-42").build()).deadlineS()).isEqualTo(600);
        assertThat(validator.validate(Submissions.prefetch("https://a.example/big.bin").build()).deadlineS())
                .isEqualTo(3600);
    }

    @Test
    void eachTypeTakesItsOwnList() {
        assertThat(validator.validate(Submissions.refreshDir("https://a.example/static/").build()).targets())
                .containsExactly("https://a.example/static/");
        assertThat(validator.validate(Submissions.refreshTag("product-42", "ünïcode tag").build()).targets())
                .containsExactly("product-42", "ünïcode tag");
        assertThat(validator.validate(Submissions.prefetch("https://a.example/big.bin").build()).type())
                .isEqualTo(TaskType.PREFETCH);
    }

    @Test
    void duplicateTargetsAreDroppedKeepingTheFirstOccurrenceOrder() {
        ValidTask task = validator.validate(Submissions.refresh("https://a.example/2", "https://a.example/1",
                "https://a.example/2", "https://a.example/3", "https://a.example/1").build());

        assertThat(task.targets()).containsExactly("https://a.example/2", "https://a.example/1", "https://a.example/3");
    }

    @Test
    void theTargetLimitCountsDistinctTargets() {
        TaskValidator small = new TaskValidator(3);

        assertThat(small.validate(Submissions.refresh("http://a.example/1", "http://a.example/2",
                "http://a.example/3", "http://a.example/1").build()).targets()).hasSize(3);
        assertThatThrownBy(() -> small.validate(Submissions.refresh("http://a.example/1", "http://a.example/2",
                "http://a.example/3", "http://a.example/4").build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("urls has 4 distinct entries, at most 3 are allowed per refresh task; split the task");
    }

    @Test
    void eachTypeHasItsOwnTargetLimit() {
        TaskValidator perType = new TaskValidator(java.util.Map.of(TaskType.REFRESH, 3, TaskType.PREFETCH, 1,
                TaskType.REFRESH_DIR, 3, TaskType.REFRESH_TAG, 3));
        String[] two = {"http://a.example/1", "http://a.example/2"};

        assertThat(perType.validate(Submissions.refresh(two).build()).targets()).hasSize(2);
        assertThatThrownBy(() -> perType.validate(Submissions.refresh(two).type("prefetch").build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("urls has 2 distinct entries, at most 1 are allowed per prefetch task; split the task")
                .satisfies(e -> assertThat(((InvalidInputException) e).httpStatus()).isEqualTo(413));
    }

    @Test
    void tenThousandTargetsAreAllowedByDefault() {
        String[] urls = IntStream.range(0, 10_000).mapToObj(i -> "https://a.example/" + i).toArray(String[]::new);

        assertThat(validator.validate(Submissions.refresh(urls).build()).targets()).hasSize(10_000);
    }

    @Test
    void hostsWithUnderscoresAndPortsAreAccepted() {
        assertThat(validator.validate(Submissions.refresh("http://my_origin.example:8080/a?b=c").build()).targets())
                .containsExactly("http://my_origin.example:8080/a?b=c");
    }

    @Test
    void scopeListsAreDeduplicatedAndEmptyListsMeanNoRestriction() {
        ValidTask task = validator.validate(Submissions.refresh("http://a.example/x")
                .scope(new Scope(List.of("eu-west", "eu-west"), List.of(), List.of("edge-1", "edge-2", "edge-1")))
                .build());

        assertThat(task.scope()).isEqualTo(new Scope(List.of("eu-west"), null, List.of("edge-1", "edge-2")));
    }

    static Stream<Arguments> rejections() {
        String longUrl = "https://a.example/" + "x".repeat(2048 - 18 + 1);
        return Stream.of(
                reject("missing api_id", Submissions.refresh("http://a.example/").apiId(null), "api_id is required"),
                reject("bad api_id", Submissions.refresh("http://a.example/").apiId("a b"),
                        "api_id 'a b' is not a valid customer id (1 to 64 of A-Z a-z 0-9 . _ -)"),
                reject("api_id over 64", Submissions.refresh("http://a.example/").apiId("a".repeat(65)),
                        "api_id '" + "a".repeat(65) + "' is not a valid customer id"),
                reject("missing type", Submissions.refresh("http://a.example/").type(null),
                        "type is required, expected one of refresh, refresh_dir, refresh_tag, prefetch"),
                reject("unknown type", Submissions.refresh("http://a.example/").type("purge"),
                        "unknown type 'purge', expected one of refresh, refresh_dir, refresh_tag, prefetch"),
                reject("missing urls", Submissions.refresh().urls((List<String>) null),
                        "urls is required and must not be empty for type refresh"),
                reject("empty urls", Submissions.refresh(), "urls is required and must not be empty for type refresh"),
                reject("missing dirs", Submissions.refreshDir(),
                        "dirs is required and must not be empty for type refresh_dir"),
                reject("missing tags", Submissions.refreshTag(),
                        "tags is required and must not be empty for type refresh_tag"),
                reject("dirs on a refresh", Submissions.refresh("http://a.example/").dirs("http://a.example/d/"),
                        "dirs must be absent for type refresh; give the targets in urls"),
                reject("urls on a tag purge", Submissions.refreshTag("t").urls("http://a.example/"),
                        "urls must be absent for type refresh_tag; give the targets in tags"),
                reject("non-http URL", Submissions.refresh("ftp://x"), "urls[0]: 'ftp://x' is not an http(s) URL"),
                reject("relative URL", Submissions.refresh("http://a.example/", "/a.js"),
                        "urls[1]: '/a.js' is not an http(s) URL"),
                reject("URL without host", Submissions.refresh("http:///a.js"), "urls[0]: 'http:///a.js' has no host"),
                reject("opaque URL", Submissions.refresh("http:a.js"), "urls[0]: 'http:a.js' has no host"),
                reject("URL with fragment", Submissions.refresh("https://a.example/a.js#top"),
                        "urls[0]: 'https://a.example/a.js#top' has a fragment (#...)"),
                reject("unparseable URL", Submissions.refresh("https://a.example/a b"),
                        "urls[0]: 'https://a.example/a b' is not a valid URL: Illegal character in path at index 19"),
                reject("URL over 2048", Submissions.refresh(longUrl),
                        "urls[0] is 2049 characters long, at most 2048 are allowed"),
                reject("null URL", Submissions.refresh().urls(Arrays.asList("http://a.example/", null)),
                        "urls[1] is null"),
                reject("dir without slash", Submissions.refreshDir("https://a.example/static"),
                        "dirs[0]: 'https://a.example/static' must end with '/' (a directory prefix)"),
                reject("non-http dir", Submissions.refreshDir("file:///etc/"),
                        "dirs[0]: 'file:///etc/' is not an http(s) URL"),
                reject("empty tag", Submissions.refreshTag(""), "tags[0] must be 1 to 128 characters long, got 0"),
                reject("tag over 128", Submissions.refreshTag("t".repeat(129)),
                        "tags[0] must be 1 to 128 characters long, got 129"),
                reject("tag with control char", Submissions.refreshTag("a\nb"),
                        "tags[0]: 'a\nb' contains a non-printable character"),
                reject("priority above 9", Submissions.refresh("http://a.example/").priority(10),
                        "priority must be 0 to 9 (higher first), got 10"),
                reject("negative priority", Submissions.refresh("http://a.example/").priority(-1),
                        "priority must be 0 to 9 (higher first), got -1"),
                reject("zero deadline", Submissions.refresh("http://a.example/").deadlineS(0),
                        "deadline_s must be 1 to 86400 seconds, got 0"),
                reject("deadline over a day", Submissions.refresh("http://a.example/").deadlineS(86_401),
                        "deadline_s must be 1 to 86400 seconds, got 86401"),
                reject("bad task_id", Submissions.refresh("http://a.example/").taskId("a/b"),
                        "task_id 'a/b' is not a valid task id (1 to 64 of A-Z a-z 0-9 . _ : -)"),
                reject("empty task_id", Submissions.refresh("http://a.example/").taskId(""),
                        "task_id '' is not a valid task id"),
                reject("tier 0", Submissions.refresh("http://a.example/").scope(new Scope(null, List.of(1, 0), null)),
                        "scope.tiers[1]: 0 is not a tier, expected 1 to 9"),
                reject("tier 10", Submissions.refresh("http://a.example/").scope(new Scope(null, List.of(10), null)),
                        "scope.tiers[0]: 10 is not a tier, expected 1 to 9"),
                reject("bad node id", Submissions.refresh("http://a.example/")
                                .scope(new Scope(null, null, List.of("edge 1"))),
                        "scope.nodes[0]: 'edge 1' is not a valid node id (1 to 64 of A-Z a-z 0-9 . _ -)"),
                reject("bad region", Submissions.refresh("http://a.example/")
                                .scope(new Scope(List.of("eu/west"), null, null)),
                        "scope.regions[0]: 'eu/west' is not a valid region"),
                reject("null tier", Submissions.refresh("http://a.example/")
                                .scope(new Scope(null, Arrays.asList(1, null), null)),
                        "scope.tiers[1] is null"));
    }

    private static Arguments reject(String what, Submissions s, String messageStart) {
        return Arguments.of(what, s, messageStart);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void aBadSubmissionIsRefusedWithAMessageNamingTheField(String what, Submissions s, String messageStart) {
        assertThatThrownBy(() -> validator.validate(s.build()))
                .isInstanceOf(InvalidInputException.class)
                .message().startsWith(messageStart);
    }
}
