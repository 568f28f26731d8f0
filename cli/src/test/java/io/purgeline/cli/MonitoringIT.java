package io.purgeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.purgeline.bench.LocalStack;
import io.purgeline.bench.WorkerProcess;
import io.purgeline.testkit.TestNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grafana dashboard and the Prometheus alerting rules in docs/ops: the rules pass {@code promtool check rules},
 * and every metric either of them queries is one the workers expose, scraped from every worker after a task has gone
 * through them all.
 */
class MonitoringIT {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Path OPS = LocalStack.home().resolve("docs").resolve("ops");
    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern NAME = Pattern.compile("\\b(?:purgeline|jvm|process|system)_[a-zA-Z0-9_]+\\b");
    private static final Pattern RULE_EXPR = Pattern.compile("^\\s*expr:\\s*(.+)$", Pattern.MULTILINE);

    private static LocalStack stack;
    private static final Set<String> exposed = new HashSet<>();

    @BeforeAll
    static void runATaskThroughEveryWorker() throws Exception {
        stack = LocalStack.start(LocalStack.home(), ns.env(), Path.of("target", "monitoring-logs",
                ns.config().namespace()), 1);
        Cli.Run run = Cli.against(stack.ingestUrl(), "submit", "refresh", "http://www.example.com/monitoring.js",
                "--wait");
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        for (WorkerProcess w : stack.workers()) {
            ApiClient worker = new ApiClient(w.baseUrl(), w.name(), "-");
            worker.get("/stats");
            for (String line : worker.get("/metrics").body().lines().toList()) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    exposed.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theAlertingRulesPassPromtool() throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "rules",
                OPS.resolve("prometheus-rules.yml").toString()).redirectErrorStream(true).start();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(promtool.waitFor()).as(output).isZero();
        assertThat(output).contains("SUCCESS: 10 rules found");
    }

    @Test
    void everyMetricTheRulesQueryIsExposed() throws IOException {
        Matcher exprs = RULE_EXPR.matcher(Files.readString(OPS.resolve("prometheus-rules.yml")));
        Set<String> queried = new TreeSet<>();
        while (exprs.find()) {
            queried.addAll(metricNames(exprs.group(1)));
        }

        assertThat(queried).hasSizeGreaterThanOrEqualTo(7);
        assertThat(exposed).containsAll(queried);
    }

    @Test
    void theDashboardParsesAndEveryMetricItQueriesIsExposed() throws IOException {
        JsonObject dashboard = JsonParser.parseString(Files.readString(OPS.resolve("grafana-dashboard.json")))
                .getAsJsonObject();
        Set<String> queried = new TreeSet<>();
        int targets = 0;
        for (JsonElement panel : dashboard.getAsJsonArray("panels")) {
            for (JsonElement target : panel.getAsJsonObject().getAsJsonArray("targets")) {
                queried.addAll(metricNames(target.getAsJsonObject().get("expr").getAsString()));
                targets++;
            }
        }

        assertThat(dashboard.get("title").getAsString()).isEqualTo("purgeline");
        assertThat(targets).isGreaterThanOrEqualTo(20);
        assertThat(exposed).containsAll(queried);
    }

    /** Metric names in a PromQL expression (label values in quotes are not names). */
    private static List<String> metricNames(String promql) {
        Matcher m = NAME.matcher(QUOTED.matcher(promql).replaceAll("\"\""));
        return m.results().map(MatchResult::group).toList();
    }
}
