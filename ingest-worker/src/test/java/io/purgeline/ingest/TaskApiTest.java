package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ErrorBody;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TaskAccepted;
import io.purgeline.contracts.TaskPage;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.contracts.TaskStatus.NodeStatus;
import io.purgeline.service.Env;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.TestNamespace;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskApiTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec JSON = new Codec(-1);

    private static IngestWorker worker;
    /** Signed as customer acme, whose domains are *.example.com. */
    private static SignedHttp http;

    @BeforeAll
    static void startWorker() throws Exception {
        NodeRegistry nodes = new NodeRegistry(ns.database().jdbi(), ns.registeredNodes());
        nodes.register(new NodeRegistration("edge-1", "10.0.0.1:8090", 2, "eu"));
        nodes.register(new NodeRegistration("parent-1", "10.0.0.9:8090", 1, "eu"));
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = IngestWorker.start(new Env(env));
        http = SignedHttp.admin("http://127.0.0.1:" + worker.port()).newCustomer("acme", "*.example.com");
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    private static HttpResponse<String> submit(Submissions s) throws Exception {
        return http.post("/v1/tasks", JSON.toJson(s.build()));
    }

    private static <T> T body(HttpResponse<String> r, Class<T> type) {
        return JSON.fromJson(r.body(), type);
    }

    @Test
    void aValidTaskAnswers202WithItsIdAndTotal() throws Exception {
        HttpResponse<String> r = submit(Submissions.refresh("https://www.example.com/a.js").taskId("http-ok"));

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(body(r, TaskAccepted.class)).isEqualTo(new TaskAccepted("acme:http-ok", "accepted", 2));
        assertThat(r.body()).isEqualTo("{\"task_id\":\"acme:http-ok\",\"state\":\"accepted\",\"total\":2}");
    }

    @Test
    void submissionsSentAtOnceAreEachAnsweredForThemselves() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "http-burst-" + i;
                answers.add(clients.submit(() -> submit(Submissions.refresh("https://www.example.com/" + id + ".js")
                        .taskId(id))));
            }
            Future<HttpResponse<String>> invalid = clients.submit(() -> submit(Submissions.refresh("ftp://burst")
                    .taskId("http-burst-bad")));
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> r = answers.get(i).get();
                assertThat(r.statusCode()).isEqualTo(202);
                assertThat(body(r, TaskAccepted.class)).isEqualTo(new TaskAccepted("acme:http-burst-" + i, "accepted", 2));
            }
            assertThat(invalid.get().statusCode()).isEqualTo(400);
            assertThat(body(invalid.get(), ErrorBody.class).message())
                    .isEqualTo("urls[0]: 'ftp://burst' is not an http(s) URL");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void aTaskWithoutAnIdGetsAGeneratedOne() throws Exception {
        HttpResponse<String> r = submit(Submissions.refresh("https://www.example.com/b.js"));

        assertThat(r.statusCode()).isEqualTo(202);
        String taskId = body(r, TaskAccepted.class).taskId();
        assertThat(taskId).as("scoped to its customer").matches("acme:[0-9a-f]{24}");
        assertThat(ns.redis().get(ns.keys().accepted(taskId))).isEqualTo("2");
    }

    @Test
    void anInvalidTaskAnswers400WithTheReason() throws Exception {
        HttpResponse<String> r = submit(Submissions.refresh("ftp://x"));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r, ErrorBody.class))
                .isEqualTo(new ErrorBody("invalid", "urls[0]: 'ftp://x' is not an http(s) URL"));
    }

    @Test
    void aTaskNoNodeMatchesAnswers400() throws Exception {
        HttpResponse<String> r = submit(Submissions.refresh("https://www.example.com/c.js")
                .scope(new Scope(null, List.of(7), null)));

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r, ErrorBody.class)).isEqualTo(new ErrorBody("invalid", "no registered node matches the scope"));
    }

    @Test
    void aBodyThatIsNotJsonAnswers400() throws Exception {
        HttpResponse<String> r = http.post("/v1/tasks", "{\"api_id\": ");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r, ErrorBody.class).message()).startsWith("body is not a valid TaskSubmission");
    }

    @Test
    void resubmittingAnAcceptedTaskAnswers409() throws Exception {
        Submissions s = Submissions.refresh("https://www.example.com/d.js").taskId("http-dup");
        assertThat(submit(s).statusCode()).isEqualTo(202);

        HttpResponse<String> again = submit(s);

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(body(again, ErrorBody.class)).isEqualTo(new ErrorBody("duplicate",
                "task 'acme:http-dup' was already accepted; GET /v1/tasks/acme:http-dup for its state"));
    }

    @Test
    void anUnknownTaskAnswers404() throws Exception {
        HttpResponse<String> r = http.get("/v1/tasks/never-submitted");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r, ErrorBody.class)).isEqualTo(new ErrorBody("not_found", "no task 'never-submitted'"));
    }

    @Test
    void aMalformedTaskIdAnswers400() throws Exception {
        HttpResponse<String> r = http.get("/v1/tasks/a%20b");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body(r, ErrorBody.class).message())
                .isEqualTo("'a b' is not a valid task id (1 to 64 of A-Z a-z 0-9 . _ : -)");
    }

    @Test
    void anAcceptedTaskTheSaverHasNotWrittenYetIsReportedAcceptedWithItsTotal() throws Exception {
        submit(Submissions.refresh("https://www.example.com/e.js").taskId("http-fresh"));

        HttpResponse<String> r = http.get("/v1/tasks/http-fresh");

        assertThat(r.statusCode()).isEqualTo(200);
        TaskStatus s = body(r, TaskStatus.class);
        assertThat(s.taskId()).isEqualTo("acme:http-fresh");
        assertThat(s.state()).isEqualTo("accepted");
        assertThat(s.total()).isEqualTo(2);
        assertThat(s.nodes()).isEmpty();
    }

    @Test
    void theStatusShowsTheTaskAndEachNodeFromTheSaversRows() throws Exception {
        insertTaskWithTwoNodes("acme:http-rows");

        HttpResponse<String> r = http.get("/v1/tasks/http-rows");

        assertThat(r.statusCode()).isEqualTo(200);
        TaskStatus s = body(r, TaskStatus.class);
        assertThat(s.taskId()).isEqualTo("acme:http-rows");
        assertThat(s.apiId()).isEqualTo("acme");
        assertThat(s.type()).isEqualTo("refresh");
        assertThat(s.state()).isEqualTo("failed");
        assertThat(List.of(s.total(), s.done(), s.failed(), s.expired())).containsExactly(2, 1, 1, 0);
        assertThat(s.targets()).containsExactly("https://a.example/x");
        assertThat(s.acceptedAt()).isEqualTo(Instant.parse("2026-03-01T12:00:00.250Z"));
        assertThat(s.deadlineAt()).isEqualTo(Instant.parse("2026-03-01T12:10:00.250Z"));
        assertThat(s.finishedAt()).isEqualTo(Instant.parse("2026-03-01T12:00:07Z"));
        assertThat(s.nodes()).containsExactly(
                new NodeStatus("parent-1", "acme:http-rows@parent-1", 1, "done", 1, 200, null,
                        Instant.parse("2026-03-01T12:00:01Z"), Instant.parse("2026-03-01T12:00:02Z"),
                        List.of(new ItemResult("https://a.example/x", 200, 512, 3, null)), 1),
                new NodeStatus("edge-1", "acme:http-rows@edge-1", 2, "failed", 3, null, "connection refused",
                        Instant.parse("2026-03-01T12:00:03Z"), Instant.parse("2026-03-01T12:00:07Z"), List.of(), 0));
    }

    @Test
    void liveCountersInRedisOverrideTheStoredOnes() throws Exception {
        insertTaskWithTwoNodes("acme:http-live");
        ns.database().jdbi().useHandle(h -> h.execute(
                "UPDATE tasks SET state = 'running', done = 0, failed = 0, finished_at = NULL WHERE task_id = ?",
                "acme:http-live"));
        ns.redis().hset(ns.keys().task("acme:http-live"), Map.of("done", "1", "state", "running"));

        TaskStatus s = body(http.get("/v1/tasks/http-live"), TaskStatus.class);

        assertThat(s.state()).isEqualTo("running");
        assertThat(List.of(s.total(), s.done(), s.failed(), s.expired())).containsExactly(2, 1, 0, 0);
        assertThat(s.nodes()).hasSize(2);
    }

    @Test
    void probesAnswerAndStatsCountEachOutcome() throws Exception {
        submit(Submissions.refresh("https://www.example.com/f.js").taskId("http-stats"));
        submit(Submissions.refresh("https://www.example.com/f.js").taskId("http-stats"));
        submit(Submissions.refresh("gopher://x"));

        assertThat(http.unsigned("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(http.unsigned("GET", "/readyz", null).statusCode()).isEqualTo(200);
        assertThat(http.unsigned("GET", "/metrics", null).body()).contains("purgeline_ingest_tasks_total");
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = JSON.fromJson(http.unsigned("GET", "/stats", null).body(), Map.class);
        assertThat(stats).containsKeys("accepted", "rejected", "duplicates", "ingest_queue_depth");
        assertThat(List.of(stats.get("accepted"), stats.get("rejected"), stats.get("duplicates")))
                .allSatisfy(n -> assertThat(((Number) n).longValue()).isPositive());
    }

    @Test
    void recentTasksAreListedNewestFirstFilteredAndInPages() throws Exception {
        for (int i = 1; i <= 5; i++) {
            insertTask("list-" + i, i % 2 == 0 ? "lister-b" : "lister-a", i == 3 ? "failed" : "completed",
                    "2026-04-01 10:00:0" + i + ".000");
        }

        SignedHttp operator = SignedHttp.admin(http.base());
        TaskPage first = JSON.fromJson(operator.get("/v1/tasks?api_id=lister-a&limit=2").body(), TaskPage.class);
        TaskPage second = JSON.fromJson(operator.get("/v1/tasks?api_id=lister-a&limit=2&before=" + first.next())
                .body(), TaskPage.class);

        assertThat(first.tasks()).extracting(TaskStatus::taskId).containsExactly("list-5", "list-3");
        assertThat(first.tasks()).allSatisfy(t -> assertThat(t.nodes()).isNull());
        assertThat(second.tasks()).extracting(TaskStatus::taskId).containsExactly("list-1");
        assertThat(second.next()).isNull();
        assertThat(JSON.fromJson(operator.get("/v1/tasks?state=failed&since=2026-04-01T10:00:00Z").body(),
                TaskPage.class).tasks()).extracting(TaskStatus::taskId).containsExactly("list-3");
        assertThat(JSON.fromJson(operator.get("/v1/tasks?state=lost").body(), ErrorBody.class).message())
                .startsWith("state must be one of accepted, completed, expired, failed, running");
        assertThat(operator.get("/v1/tasks?limit=0").statusCode()).isEqualTo(400);
        assertThat(operator.get("/v1/tasks?before=nonsense").statusCode()).isEqualTo(400);
        // A customer lists its own tasks only.
        assertThat(http.get("/v1/tasks?api_id=lister-a").statusCode()).isEqualTo(403);
        assertThat(JSON.fromJson(http.get("/v1/tasks?state=failed").body(), TaskPage.class).tasks())
                .isNotEmpty().allSatisfy(t -> assertThat(t.apiId()).isEqualTo("acme"));
    }

    private static void insertTask(String taskId, String apiId, String state, String acceptedAt) {
        ns.database().jdbi().useHandle(h -> h.execute("""
                INSERT INTO tasks (task_id, api_id, type, targets, options, priority, lane, state, total, done,
                                   failed, expired, accepted_at, deadline_at, finished_at)
                VALUES (?, ?, 'refresh', '["https://a.example/x"]', '{}', 5, 'fast', ?, 1, 1, 0, 0, ?, ?, ?)""",
                taskId, apiId, state, acceptedAt, acceptedAt, acceptedAt));
    }

    @Test
    void theStatusIsReadInPagesOfNodesAndOfEachNodesItems() throws Exception {
        insertTaskWithTwoNodes("acme:http-paged");

        TaskStatus first = body(http.get("/v1/tasks/http-paged?nodes_limit=1&items_limit=0"), TaskStatus.class);
        assertThat(first.nodes()).extracting(NodeStatus::nodeId).containsExactly("parent-1");
        assertThat(first.nodes().get(0).items()).isEmpty();
        assertThat(first.nodes().get(0).itemsTotal()).isEqualTo(1);
        assertThat(first.nextNodesAfter()).isEqualTo("1:parent-1");

        TaskStatus second = body(http.get("/v1/tasks/http-paged?nodes_limit=1&nodes_after=1:parent-1"),
                TaskStatus.class);
        assertThat(second.nodes()).extracting(NodeStatus::nodeId).containsExactly("edge-1");
        assertThat(second.nextNodesAfter()).isNull();
        assertThat(second.total()).isEqualTo(2);

        TaskStatus pastItems = body(http.get("/v1/tasks/http-paged?items_offset=1"), TaskStatus.class);
        assertThat(pastItems.nodes().get(0).items()).isEmpty();
        assertThat(pastItems.nodes().get(0).itemsTotal()).isEqualTo(1);

        for (String bad : List.of("nodes_limit=0", "nodes_limit=1001", "items_limit=-1", "nodes_after=edge-1",
                "nodes_after=x:edge-1", "items_offset=abc")) {
            HttpResponse<String> r = http.get("/v1/tasks/http-paged?" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(body(r, ErrorBody.class).error()).isEqualTo("invalid");
        }
    }

    @Test
    void anItemStoredWithoutATargetIsShownWithTheTasksTargetAtItsIndexRowsAndObjectsAlike() throws Exception {
        ns.database().jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO tasks (task_id, api_id, type, targets, options, priority, lane, state, total, done,
                                       failed, expired, accepted_at, deadline_at, finished_at)
                    VALUES ('acme:implied', 'acme', 'refresh',
                            '["https://a.example/x","https://a.example/y","https://a.example/z"]', '{}', 5, 'fast',
                            'done', 1, 1, 0, 0, '2026-03-01 12:00:00', '2026-03-01 12:10:00', '2026-03-01 12:00:02')""");
            h.execute("""
                    INSERT INTO subtasks (subtask_id, task_id, node_id, tier, state, attempts, http_code, last_error,
                                          items, started_at, finished_at, updated_at)
                    VALUES ('acme:implied@edge-1', 'acme:implied', 'edge-1', 1, 'done', 1, 200, NULL,
                            '[[200,0,1],
                              [200,9,2,null,null,"https://a.example/y/extra.ts"],
                              {"http_code":404,"bytes":0,"elapsed_ms":3},
                              [200,0,4]]',
                            '2026-03-01 12:00:01', '2026-03-01 12:00:02', '2026-03-01 12:00:02')""");
        });

        // Stored as rows (and, from before rows, as objects), shown as objects.
        assertThat(http.get("/v1/tasks/implied").body())
                .contains("{\"target\":\"https://a.example/x\",\"http_code\":200,\"bytes\":0,\"elapsed_ms\":1}");
        TaskStatus all = body(http.get("/v1/tasks/implied"), TaskStatus.class);
        assertThat(all.nodes().get(0).items()).extracting(ItemResult::target).containsExactly(
                "https://a.example/x", "https://a.example/y/extra.ts", "https://a.example/z", null);
        assertThat(all.nodes().get(0).items()).extracting(ItemResult::elapsedMs).containsExactly(1L, 2L, 3L, 4L);

        TaskStatus page = body(http.get("/v1/tasks/implied?items_offset=2&items_limit=1"), TaskStatus.class);
        assertThat(page.nodes().get(0).items()).singleElement().satisfies(i -> {
            assertThat(i.target()).isEqualTo("https://a.example/z");
            assertThat(i.httpCode()).isEqualTo(404);
        });
        assertThat(page.nodes().get(0).itemsTotal()).isEqualTo(4);
    }

    private static void insertTaskWithTwoNodes(String taskId) {
        ns.database().jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO tasks (task_id, api_id, type, targets, options, priority, lane, state, total, done,
                                       failed, expired, accepted_at, deadline_at, finished_at)
                    VALUES (?, 'acme', 'refresh', '["https://a.example/x"]', '{}', 5, 'fast', 'failed', 2, 1, 1, 0,
                            '2026-03-01 12:00:00.250', '2026-03-01 12:10:00.250', '2026-03-01 12:00:07')""",
                    taskId);
            h.execute("""
                    INSERT INTO subtasks (subtask_id, task_id, node_id, tier, state, attempts, http_code, last_error,
                                          items, started_at, finished_at, updated_at)
                    VALUES (?, ?, 'parent-1', 1, 'done', 1, 200, NULL,
                            '[{"target":"https://a.example/x","http_code":200,"bytes":512,"elapsed_ms":3}]',
                            '2026-03-01 12:00:01', '2026-03-01 12:00:02', '2026-03-01 12:00:02'),
                           (?, ?, 'edge-1', 2, 'failed', 3, NULL, 'connection refused', NULL,
                            '2026-03-01 12:00:03', '2026-03-01 12:00:07', '2026-03-01 12:00:07')""",
                    taskId + "@parent-1", taskId, taskId + "@edge-1", taskId);
        });
    }
}
