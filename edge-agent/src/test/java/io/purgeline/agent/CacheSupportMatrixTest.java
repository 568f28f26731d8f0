package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.testkit.FreePorts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The support matrix in {@code docs/caches.md} says what each adapter does: a purge kind the adapter reports
 * "unsupported" is marked unsupported there, and every other one is not. The adapters talk to a port nothing listens
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
        Map<TaskType, Map<String, String>> documented = documentedMatrix();
        URI nowhere = URI.create("http://127.0.0.1:" + FreePorts.any());

        for (String kind : CacheAdapters.KINDS) {
            CacheAdapter adapter = CacheAdapters.forKind(kind, client, nowhere, Duration.ofSeconds(2));
            for (TaskType type : TaskType.values()) {
                ItemResult result = adapter.apply(type, target(type), TaskOptions.NONE);
                boolean unsupported = result.error() != null
                        && result.error().startsWith(type.wire() + " is unsupported by " + kind + ": ");
                assertThat(documented.get(type)).as(type.wire() + " in docs/caches.md").containsKey(kind);
                assertThat(documented.get(type).get(kind).startsWith("unsupported"))
                        .as(type.wire() + " on " + kind + ": the adapter answered " + result.error())
                        .isEqualTo(unsupported);
            }
        }
    }

    private static String target(TaskType type) {
        return switch (type) {
            case REFRESH, PREFETCH -> "http://www.example.com/a.js";
            case REFRESH_DIR -> "http://www.example.com/static/";
            case REFRESH_TAG -> "product-42";
        };
    }

    /** The rows of the table under "What each cache can do", by task type and then by cache kind. */
    private static Map<TaskType, Map<String, String>> documentedMatrix() throws Exception {
        List<String> lines = Files.readAllLines(DOC);
        int heading = lines.indexOf("## What each cache can do");
        assertThat(heading).as("the matrix heading in " + DOC).isNotNegative();
        List<String> table = lines.subList(heading + 1, lines.size()).stream()
                .dropWhile(l -> !l.startsWith("|")).takeWhile(l -> l.startsWith("|")).toList();
        List<String> kinds = cells(table.get(0)).subList(1, cells(table.get(0)).size());
        Map<TaskType, Map<String, String>> matrix = new HashMap<>();
        for (String row : table.subList(2, table.size())) {
            List<String> cells = cells(row);
            String wire = cells.get(0).substring(cells.get(0).indexOf('`') + 1, cells.get(0).lastIndexOf('`'));
            TaskType type = TaskType.fromWire(wire).orElseThrow(() -> new AssertionError("no task type " + wire));
            Map<String, String> byKind = new HashMap<>();
            for (int i = 0; i < kinds.size(); i++) {
                byKind.put(kinds.get(i), cells.get(i + 1));
            }
            matrix.put(type, byKind);
        }
        return matrix;
    }

    private static List<String> cells(String row) {
        return Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::trim).toList();
    }
}
