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
    void bodiesEncodedOneAfterAnotherOnAThreadAreEachTheirOwnWhateverTheirSizes() throws Exception {
        // A thread reuses its buffers between bodies: a large body, then smaller ones, then a large one again.
        List<AgentSubtask> bodies = java.util.stream.IntStream.of(8000, 3, 40, 0, 12000, 1).mapToObj(n ->
                new AgentSubtask("t" + n + "@n", "t" + n, TaskType.REFRESH, java.util.stream.IntStream.range(0, n)
                        .mapToObj(i -> "https://www.example.com/assets/" + i + "-é.js").toList(), null, null, null,
                        "tok")).toList();
        List<Encoded> encoded = bodies.stream().map(codec::encode).toList();
        for (int i = 0; i < bodies.size(); i++) {
            Encoded e = encoded.get(i);
            assertThat(codec.decode(e.body(), e.contentEncoding(), AgentSubtask.class)).isEqualTo(bodies.get(i));
            byte[] json = codec.toJson(bodies.get(i)).getBytes(StandardCharsets.UTF_8);
            assertThat(e.body()).isEqualTo(e.compressed() ? org.xerial.snappy.Snappy.compress(json) : json);
        }
        assertThat(codec.toJson(bodies.get(0)).length()).isGreaterThan(Codec.KEPT); // beyond what a thread keeps
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
    void strictDecodingRefusesAnUnknownFieldAtAnyDepthAndNamesIt() {
        byte[] typo = "{\"api_id\":\"a\",\"type\":\"refresh\",\"scpoe\":{\"nodes\":[\"e1\"]}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decodeStrict(typo, null, TaskSubmission.class))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("unknown field 'scpoe'")
                .satisfies(e -> assertThat(((CodecException) e).code()).isEqualTo(CodecException.UNKNOWN_FIELD));
        byte[] nested = "{\"api_id\":\"a\",\"scope\":{\"node\":[\"e1\"]}}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decodeStrict(nested, null, TaskSubmission.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("unknown field 'node' in $.scope");
        assertThat(codec.decode(typo, null, TaskSubmission.class).apiId())
                .as("messages between purgeline's own workers stay lenient").isEqualTo("a");
        assertThat(codec.decodeStrict("{\"node_id\":\"e1\",\"queued\":2}".getBytes(StandardCharsets.UTF_8), null,
                Heartbeat.class)).isEqualTo(new Heartbeat("e1", null, null, 2, 0));
    }

    @Test
    void aSnappyBodyDeclaringMoreThanTheLimitIsRefusedBeforeItIsInflated() throws Exception {
        Codec small = new Codec(-1, 1024);
        byte[] bomb = org.xerial.snappy.Snappy.compress(new byte[4096]);
        assertThat(bomb.length).isLessThan(1024);
        assertThatThrownBy(() -> small.decodeStrict(bomb, Codec.SNAPPY, TaskSubmission.class))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("would inflate to 4096 bytes, more than the limit of 1024 bytes")
                .satisfies(e -> assertThat(((CodecException) e).code()).isEqualTo(CodecException.TOO_LARGE));
        // 32 MiB of zeros compress to about 1.5 MiB, under the request body limit: refused by its header alone.
        byte[] big = org.xerial.snappy.Snappy.compress(new byte[32 << 20]);
        assertThat(big.length).isLessThan(2 << 20);
        assertThatThrownBy(() -> codec.decodeStrict(big, Codec.SNAPPY, TaskSubmission.class))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining("would inflate to 33554432 bytes")
                .satisfies(e -> assertThat(((CodecException) e).code()).isEqualTo(CodecException.TOO_LARGE));
        assertThatThrownBy(() -> small.decodeStrict(new byte[2048], null, TaskSubmission.class))
                .isInstanceOf(CodecException.class).hasMessageContaining("more than the limit");
        byte[] largeSave = org.xerial.snappy.Snappy.compress(("{\"urls\":[\"" + "a".repeat(20 << 20) + "\"]}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(codec.decode(largeSave, Codec.SNAPPY, TaskSubmission.class).urls().get(0))
                .as("between purgeline's own workers the bound is higher (a save may group many results)")
                .hasSize(20 << 20);
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
    void itemResultsAreWrittenAsGsonsReflectionWroteThemReadLenientlyAndStrictly() {
        ItemResult failed = new ItemResult("https://a.example/\u00e9?q=\"1\"", 503, 12, 40, "the cache refused PURGE",
                new Verification(false, 0, "no answer"));
        assertThat(codec.toJson(List.of(failed, new ItemResult(null, 200, 0, 1, null))))
                .isEqualTo(new com.google.gson.GsonBuilder()
                        .setFieldNamingPolicy(com.google.gson.FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                        .disableHtmlEscaping().create()
                        .toJson(List.of(failed, new ItemResult(null, 200, 0, 1, null))));
        assertThat(codec.fromJson(codec.toJson(failed), ItemResult.class)).isEqualTo(failed);
        assertThat(codec.fromJson("{\"target\":null,\"http_code\":200,\"colour\":{\"a\":[1]},\"bytes\":7}",
                ItemResult.class)).isEqualTo(new ItemResult(null, 200, 7, 0, null));
        byte[] strictBody = codec.toJson(failed).getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decodeStrict(strictBody, null, ItemResult.class)).isEqualTo(failed);
        assertThatThrownBy(() -> codec.decodeStrict(
                "{\"target\":\"https://a.example/x\",\"http_code\":200,\"colour\":1}".getBytes(StandardCharsets.UTF_8),
                null, ItemResult.class)).hasMessageContaining("unknown field 'colour'");
    }

    @Test
    void itemsWrittenAsRowsAreReadByBothCodecsAndARowOfMoreThanSixValuesIsRefused() {
        ItemResult failed = new ItemResult("https://a.example/x", 503, 12, 40, "refused",
                new Verification(false, 0, "no answer"));
        String row = "[503,12,40,\"refused\",{\"fresh\":false,\"http_code\":0,\"evidence\":\"no answer\"},"
                + "\"https://a.example/x\"]";
        assertThat(codec.fromJson(row, ItemResult.class)).isEqualTo(failed);
        assertThat(codec.decodeStrict(row.getBytes(StandardCharsets.UTF_8), null, ItemResult.class)).isEqualTo(failed);
        assertThat(codec.fromJson("[200,0,1]", ItemResult.class)).isEqualTo(new ItemResult(null, 200, 0, 1, null));
        assertThat(codec.fromJson("[200,0,1,null,null,\"https://a.example/y\"]", ItemResult.class))
                .isEqualTo(new ItemResult("https://a.example/y", 200, 0, 1, null));
        // Objects and rows side by side in one array: each read in its own form.
        SubtaskResult mixed = codec.decodeStrict(("{\"subtask_id\":\"t@n\",\"task_id\":\"t\",\"state\":\"done\","
                + "\"items\":[[200,0,1],{\"http_code\":200,\"bytes\":5,\"elapsed_ms\":2},null]}")
                .getBytes(StandardCharsets.UTF_8), null, SubtaskResult.class);
        assertThat(mixed.items().list()).containsExactly(new ItemResult(null, 200, 0, 1, null),
                new ItemResult(null, 200, 5, 2, null), null);
        assertThat(mixed.items().json()).isEqualTo("[[200,0,1],[200,5,2],null]");

        for (String bad : List.of("[200,0,1,null,null,\"https://a.example/y\",7]", "[200,0]", "[\"ok\",0,1]")) {
            assertThatThrownBy(() -> codec.decodeStrict(bad.getBytes(StandardCharsets.UTF_8), null,
                    ItemResult.class)).as(bad).isInstanceOf(CodecException.class);
        }
        assertThatThrownBy(() -> codec.fromJson("[200,0,1,null,null,\"https://a.example/y\",7]", ItemResult.class))
                .hasMessageContaining("value at $[6] is beyond the 6 of an item's row");
    }

    @Test
    void answersReadOneAfterAnotherOnAThreadEachKeepTheirOwnItems() {
        // Reading items, a thread reuses its text buffer: a large answer, a small one, an empty one, a large one.
        List<BatchQueued> answers = java.util.stream.IntStream.of(7000, 2, 0, 9000).mapToObj(n -> new BatchQueued(
                "queued", 1, 0, List.of(), List.of(new SubtaskResult("t" + n + "@n", "t" + n, "tok", SubtaskState.DONE,
                        Items.of(java.util.stream.IntStream.range(0, n).mapToObj(i -> new ItemResult(
                                "https://a.example/" + n + "/" + i, 200, i, 3, null)).toList()), null, null))))
                .toList();
        List<Encoded> bodies = answers.stream().map(codec::encode).toList();
        List<BatchQueued> read = bodies.stream().map(b -> codec.decode(b.body(), b.contentEncoding(),
                BatchQueued.class)).toList();
        for (int i = 0; i < answers.size(); i++) {
            assertThat(read.get(i).results().get(0).items().json())
                    .isEqualTo(answers.get(i).results().get(0).items().rows().json());
            assertThat(read.get(i).results().get(0).items().count())
                    .isEqualTo(answers.get(i).results().get(0).items().count());
        }
    }

    @Test
    void itemsAreReadOnceWhereTheyEnterAndPassedOnAsTheTextTheSaverStores() {
        ItemResult ok = new ItemResult("https://a.example/1", 200, 0, 3, null);
        ItemResult failed = new ItemResult("https://a.example/\u00e9?q=\"2\"", 503, 0, 40, "the cache refused PURGE",
                new Verification(false, 0, "no answer"));
        ItemResult last = new ItemResult("https://a.example/3", 404, 0, 1, "not there");
        List<ItemResult> list = List.of(ok, failed, last);
        String agentSent = "{\"subtask_id\":\"t@n\",\"task_id\":\"t\",\"state\":\"failed\",\"items\":"
                + codec.toJson(list).replace("\"bytes\":0,", "\"bytes\":0,\"colour\":\"red\",") + "}";

        assertThat(codec.fromJson(agentSent, SubtaskResult.class).items().list()).isEqualTo(list);
        SubtaskResult read = codec.fromJson(agentSent, SubtaskResult.class);
        String rows = Items.of(list).rows().json();
        assertThat(rows).startsWith("[[200,0,3,null,null,\"https://a.example/1\"],[503,0,40,");
        assertThat(read.items().json()).isEqualTo(rows); // written on as rows, unknown fields left out
        assertThat(read.items().count()).isEqualTo(3);
        assertThat(read.items().firstFailing()).isEqualTo(failed);
        assertThat(read.items().last()).isEqualTo(last);
        assertThat(read.items().firstUntargeted()).isEqualTo(-1);
        assertThat(read.items()).isEqualTo(Items.of(list));
        assertThatThrownBy(() -> codec.decodeStrict(agentSent.getBytes(StandardCharsets.UTF_8), null,
                SubtaskResult.class)).hasMessageContaining("unknown field 'colour'");
        assertThat(codec.fromJson("{\"items\":[{\"target\":\"https://a.example/1\"},null]}", SubtaskResult.class)
                .items().firstUntargeted()).isEqualTo(1);
        // Items read are put out as the rows they were written in.
        assertThat(codec.toJson(read)).contains("\"items\":" + rows);

        // A save carries the text as one string, and the saver gets the very text back without parsing it.
        SubtaskOutcome outcome = new SubtaskOutcome("t@n", "n", SubtaskState.FAILED, 1, 503, "x", read.items(),
                null, null);
        String save = codec.toJson(outcome);
        assertThat(save).contains("\"items\":" + codec.toJson(rows));
        assertThat(codec.fromJson(save, SubtaskOutcome.class).items().json()).isEqualTo(rows);
        // A save from a worker of an earlier version carries the array itself, of objects.
        String older = save.replace(codec.toJson(rows), codec.toJson(list));
        assertThat(codec.fromJson(older, SubtaskOutcome.class)).isEqualTo(outcome);
        // A text that is not an array's is refused, not stored.
        assertThatThrownBy(() -> codec.fromJson("{\"subtask_id\":\"t@n\",\"items\":\"[{\\\"target\\\"\"}",
                SubtaskOutcome.class)).isInstanceOf(CodecException.class)
                .hasMessageContaining("not the text of a JSON array");
    }

    @Test
    void itemsMadeForASubtaskLeaveOutTheTargetsTheirIndexesNameWhenAskedAndArePassedOnSo() {
        List<String> targets = List.of("https://a.example/live.m3u8", "https://a.example/2", "https://a.example/3");
        ItemResult playlist = new ItemResult("https://a.example/live.m3u8", 200, 90, 4, null);
        ItemResult segment = new ItemResult("https://a.example/seg-1.ts", 200, 900, 6, null); // an expansion
        ItemResult second = new ItemResult("https://a.example/2", 503, 0, 40, "refused");
        ItemResult third = new ItemResult("https://a.example/3", 200, 0, 2, null);
        ItemResult beyond = new ItemResult("https://a.example/3", 200, 0, 1, null); // past the targets
        List<ItemResult> list = java.util.Arrays.asList(playlist, segment, second, null, third, beyond);

        Items made = Items.of(list, targets);
        Items implied = made.impliedTargets();

        assertThat(made.json()).isEqualTo(codec.toJson(list));
        List<ItemResult> read = implied.list();
        assertThat(read.get(0)).isEqualTo(new ItemResult(null, 200, 90, 4, null));
        assertThat(read.get(1)).isEqualTo(segment); // index 1 names https://a.example/2: the target stays
        assertThat(read.get(2)).isEqualTo(new ItemResult("https://a.example/2", 503, 0, 40, "refused"));
        assertThat(read.get(3)).isNull();
        assertThat(read.get(4)).isEqualTo(third);
        assertThat(read.get(5)).isEqualTo(beyond);
        assertThat(implied.count()).isEqualTo(6);
        assertThat(implied.firstFailing()).isEqualTo(second);
        assertThat(implied.last()).isEqualTo(beyond);
        // Only the items that an agent made carry the other form: items read are as they came.
        assertThat(Items.of(list).impliedTargets().json()).isEqualTo(made.json());

        // As rows (item_rows=1), the same targets are left out.
        assertThat(made.rows().json()).isEqualTo("[[200,90,4],[200,900,6,null,null,\"https://a.example/seg-1.ts\"],"
                + "[503,0,40,\"refused\",null,\"https://a.example/2\"],null,"
                + "[200,0,2,null,null,\"https://a.example/3\"],[200,0,1,null,null,\"https://a.example/3\"]]");
        assertThat(made.rows().list()).isEqualTo(read);
        // An agent remembers the rows it answers with; read back with the subtask's targets, they are made again as
        // first written.
        Items readBack = codec.fromJson("{\"items\":" + made.rows().json() + "}", SubtaskResult.class).items();
        Items again = readBack.withTargets(targets);
        assertThat(again.list()).isEqualTo(list);
        assertThat(again.json()).isEqualTo(made.json());
        assertThat(again.rows().json()).isEqualTo(made.rows().json());
        assertThat(again.firstFailing()).isEqualTo(second);
        assertThat(made.rows().count()).isEqualTo(6);
        assertThat(made.rows().firstFailing()).isEqualTo(second);

        // Read from the answer by dispatch-worker and saved: the saver stores the implied targets as they came.
        String answer = "{\"subtask_id\":\"t@n\",\"task_id\":\"t\",\"state\":\"failed\",\"items\":"
                + implied.json() + "}";
        SubtaskOutcome outcome = new SubtaskOutcome("t@n", "n", SubtaskState.FAILED, 1, 503, "x",
                codec.fromJson(answer, SubtaskResult.class).items(), null, null);
        assertThat(codec.fromJson(codec.toJson(outcome), SubtaskOutcome.class).items().json())
                .isEqualTo(made.rows().json());
    }

    @Test
    void aTargetListIsWrittenAsTheListItHoldsInEveryMessageThatCarriesIt() {
        List<String> urls = java.util.Arrays.asList("https://a.example/\u00e9?q=\"1\"", "https://a.example/2", null);
        List<String> shared = TargetList.of(new java.util.ArrayList<>(urls));
        AgentSubtask plain = new AgentSubtask("t@n1", "t", TaskType.REFRESH, urls, null, null, TaskOptions.NONE, "k");

        for (String node : List.of("n1", "n2")) { // the second write takes the text the first one made
            AgentSubtask carrying = new AgentSubtask("t@" + node, "t", TaskType.REFRESH, shared, null, null,
                    TaskOptions.NONE, "k");
            assertThat(codec.toJson(carrying)).isEqualTo(codec.toJson(plain).replace("t@n1", "t@" + node));
        }
        AgentSubtask read = codec.fromJson(codec.toJson(new AgentSubtask("t@n1", "t", TaskType.REFRESH, shared, null,
                null, TaskOptions.NONE, "k")), AgentSubtask.class);
        assertThat(read.urls()).isEqualTo(urls).isNotInstanceOf(TargetList.class);
        assertThat(shared).isEqualTo(urls);
        assertThat(TargetList.of(shared)).isSameAs(shared);
        assertThat(TargetList.of(null)).isNull();
    }

    @Test
    void taskOptionsWithoutHlsDecodeAsBefore() {
        TaskOptions options = codec.fromJson("{\"soft\":true,\"headers\":{\"User-Agent\":\"x\"}}", TaskOptions.class);
        assertThat(options).isEqualTo(new TaskOptions(true, null, null, java.util.Map.of("User-Agent", "x")));
        assertThat(codec.fromJson("{\"hls\":true}", TaskOptions.class).hls()).isTrue();
    }
}
