package io.purgeline.bench.perf;

import com.google.gson.Gson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task submissions as upstream writes them (API.md §1): plain JSON built here, not the project's records, so that the
 * harness drives any build (before and after a change) through its external contract only.
 */
public final class Tasks {
    private static final Gson GSON = new Gson();
    /** The benchmark's customer, and the domain of every URL it purges. */
    public static final String CUSTOMER = "bench";
    public static final String DOMAIN = "www.example.com";

    private Tasks() {}

    /**
     * A task id as intake stores it, scoped to the benchmark's customer: what its events and rows carry, so the
     * harness finds its tasks by the id it made.
     */
    public static String scoped(String id) {
        return CUSTOMER + ":" + id;
    }

    /** A refresh of {@code urlCount} URLs on the nodes of the given regions (none: every node). */
    public static String refresh(String taskId, String apiId, int urlCount, List<String> regions) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < urlCount; i++) {
            urls.add("http://" + DOMAIN + "/bench/" + taskId.replace(':', '-') + "/" + i + ".js");
        }
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("task_id", taskId);
        task.put("api_id", apiId);
        task.put("type", "refresh");
        task.put("urls", urls);
        if (regions != null && !regions.isEmpty()) {
            task.put("scope", Map.of("regions", regions));
        }
        return GSON.toJson(task);
    }
}
