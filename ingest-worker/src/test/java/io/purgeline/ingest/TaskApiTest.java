package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ErrorBody;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TaskAccepted;
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
                        List.of(new ItemResult("https://a.example/x", 200, 512, 3, null))),
                new NodeStatus("edge-1", "acme:http-rows@edge-1", 2, "failed", 3, null, "connection refused",
                        Instant.parse("2026-03-01T12:00:03Z"), Instant.parse("2026-03-01T12:00:07Z"), List.of()));
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
