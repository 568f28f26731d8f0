package io.purgeline.bench.perf;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one scenario measured: its exact settings and one row of figures per case. Printed as a table and written as
 * JSON ({@code <scenario>-<time>.json}), so that two runs (before and after a change) can be compared field by field.
 */
public final class Report {
    private static final Gson JSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .serializeNulls().create();

    private final String scenario;
    private final Instant started = Instant.now();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Report(String scenario) {
        this.scenario = scenario;
    }

    public String scenario() {
        return scenario;
    }

    public Report setting(String name, Object value) {
        settings.put(name, value);
        return this;
    }

    /** Adds a row: the case's name first, then its figures in the order given. */
    public Map<String, Object> row(String caseName, Map<String, Object> figures) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("case", caseName);
        row.putAll(figures);
        rows.add(row);
        return row;
    }

    /** Something a reader of the figures must know (how a figure was taken, a case cut short). */
    public Report note(String text) {
        notes.add(text);
        return this;
    }

    public List<Map<String, Object>> rows() {
        return List.copyOf(rows);
    }

    /** Prints the rows as an aligned table (columns: the union of every row's figures), then the notes. */
    public void print(PrintStream out) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        List<String> cols = new ArrayList<>(columns);
        List<List<String>> cells = new ArrayList<>();
        cells.add(cols);
        for (Map<String, Object> r : rows) {
            cells.add(cols.stream().map(c -> text(r.get(c))).toList());
        }
        int[] width = new int[cols.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        out.println();
        out.println("== " + scenario + " ==");
        for (List<String> line : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                b.append(i == 0 ? String.format("%-" + width[i] + "s", line.get(i))
                        : String.format("  %" + width[i] + "s", line.get(i)));
            }
            out.println(b);
        }
        notes.forEach(n -> out.println("  note: " + n));
    }

    /** Writes {@code <dir>/<scenario>-<start time>.json} and returns its path. */
    public Path write(Path dir, Map<String, Object> run) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("scenario", scenario);
        doc.put("started_at", started.toString());
        doc.put("finished_at", Instant.now().toString());
        doc.put("run", run);
        doc.put("settings", settings);
        doc.put("rows", rows);
        doc.put("notes", notes);
        Path file = dir.resolve(scenario + "-" + started.toString().replace(":", "").replaceAll("\\.\\d+", "")
                + ".json");
        Files.writeString(file, JSON.toJson(doc));
        return file;
    }

    private static String text(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Double d) {
            if (d.isNaN()) {
                return "-";
            }
            if (Math.abs(d) >= 100) {
                return String.format("%.0f", d);
            }
            // Ratios far below 1 (72 tasks/s over a 16,000 msg/s broker) would print as 0.00.
            return Math.abs(d) < 0.1 && d != 0 ? String.format("%.2g", d) : String.format("%.2f", d);
        }
        return v.toString();
    }
}
