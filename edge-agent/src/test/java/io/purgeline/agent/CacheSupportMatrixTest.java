package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.CacheSupport;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.testkit.FreePorts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The support matrix in {@code docs/caches.md} says what each adapter does: a purge kind (plain or soft) the adapter
 * reports "unsupported" is marked unsupported there, and every other one is not. The adapters talk to a port nothing listens
 * on, so a supported kind fails to reach the cache instead of being refused by the adapter.
 */
class CacheSupportMatrixTest {
    private static final Path DOC = Path.of("..", "docs", "caches.md");
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        client = new HttpClient();
        client.start();
    }

    @AfterAll
    static void stop() throws Exception {
        client.stop();
    }

    @Test
    void theDocumentedMatrixIsWhatTheAdaptersDo() throws Exception {
        List<Row> rows = documentedMatrix();
        assertThat(rows).extracting(Row::type).containsAll(List.of(TaskType.values()));
        URI nowhere = URI.create("http://127.0.0.1:" + FreePorts.any());

        for (String kind : CacheAdapters.KINDS) {
            CacheAdapter adapter = CacheAdapters.forKind(kind, client, nowhere, Duration.ofSeconds(2),
                    PrefetchLimits.DEFAULT);
            for (Row row : rows) {
                TaskOptions options = row.soft() ? SoftBatches.SOFT : TaskOptions.NONE;
                ItemResult result = adapter.apply(row.type(), target(row.type()), options);
                boolean unsupported = result.error() != null
                        && result.error().contains(row.type().wire() + " is unsupported by " + kind + ": ");
                assertThat(row.byKind()).as(row.label() + " in docs/caches.md").containsKey(kind);
                assertThat(row.byKind().get(kind).startsWith("unsupported"))
                        .as(row.label() + " on " + kind + ": the adapter answered " + result.error())
                        .isEqualTo(unsupported);
            }
        }
    }

    /** {@code GET /v1/caches} answers from {@link CacheSupport#ALL}: it too must say what the adapters do. */
    @Test
    void theMatrixServedByIngestIsWhatTheAdaptersDo() {
        URI nowhere = URI.create("http://127.0.0.1:" + FreePorts.any());
        assertThat(CacheSupport.ALL).extracting(CacheSupport::kind).containsExactlyElementsOf(CacheAdapters.KINDS);
        for (String kind : CacheAdapters.KINDS) {
            CacheAdapter adapter = CacheAdapters.forKind(kind, client, nowhere, Duration.ofSeconds(2),
                    PrefetchLimits.DEFAULT);
            CacheSupport support = CacheSupport.of(kind).orElseThrow();
            for (TaskType type : TaskType.values()) {
                for (boolean soft : new boolean[] {false, true}) {
                    if (soft && type == TaskType.PREFETCH) {
                        continue; // soft means nothing to a prefetch
                    }
                    ItemResult result = adapter.apply(type, target(type), soft ? SoftBatches.SOFT : TaskOptions.NONE);
                    boolean unsupported = result.error() != null
                            && result.error().contains(type.wire() + " is unsupported by " + kind + ": ");
                    List<String> listed = soft ? support.softTypes() : support.types();
                    assertThat(listed.contains(type.wire()))
                            .as((soft ? "soft " : "") + type.wire() + " on " + kind + ": " + result.error())
                            .isEqualTo(!unsupported);
                }
            }
        }
    }

    /** One row of the matrix: a task type, plain or soft, and what each cache kind's cell says. */
    private record Row(String label, TaskType type, boolean soft, Map<String, String> byKind) {}

    private static String target(TaskType type) {
        return switch (type) {
            case REFRESH, PREFETCH -> "http://www.example.com/a.js";
            case REFRESH_DIR -> "http://www.example.com/static/";
            case REFRESH_TAG -> "product-42";
        };
    }

    /** The rows of the table under "What each cache can do". */
    private static List<Row> documentedMatrix() throws Exception {
        List<String> lines = Files.readAllLines(DOC);
        int heading = lines.indexOf("## What each cache can do");
        assertThat(heading).as("the matrix heading in " + DOC).isNotNegative();
        List<String> table = lines.subList(heading + 1, lines.size()).stream()
                .dropWhile(l -> !l.startsWith("|")).takeWhile(l -> l.startsWith("|")).toList();
        List<String> kinds = cells(table.get(0)).subList(1, cells(table.get(0)).size());
        List<Row> rows = new ArrayList<>();
        for (String line : table.subList(2, table.size())) {
            List<String> cells = cells(line);
            String label = cells.get(0);
            // The label names the task type first, in backquotes, and `soft` when the row is about soft purges.
            String wire = label.substring(label.indexOf('`') + 1, label.indexOf('`', label.indexOf('`') + 1));
            TaskType type = TaskType.fromWire(wire).orElseThrow(() -> new AssertionError("no task type " + wire));
            Map<String, String> byKind = new HashMap<>();
            for (int i = 0; i < kinds.size(); i++) {
                byKind.put(kinds.get(i), cells.get(i + 1));
            }
            rows.add(new Row(label, type, label.contains("`soft`"), byKind));
        }
        return rows;
    }

    private static List<String> cells(String row) {
        return Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::trim).toList();
    }
}
