package io.purgeline.ingest;

import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskSubmission;
import java.util.Arrays;
import java.util.List;

/** Builds submissions for tests: a valid refresh of customer "acme" unless told otherwise. */
final class Submissions {
    private String taskId;
    private String apiId = "acme";
    private String type = "refresh";
    private List<String> urls = List.of("https://www.example.com/a.js");
    private List<String> dirs;
    private List<String> tags;
    private Scope scope;
    private Integer priority;
    private Integer deadlineS;
    private TaskOptions options;

    static Submissions refresh(String... urls) {
        return new Submissions().urls(urls);
    }

    Submissions taskId(String v) {
        taskId = v;
        return this;
    }

    Submissions apiId(String v) {
        apiId = v;
        return this;
    }

    Submissions type(String v) {
        type = v;
        return this;
    }

    Submissions urls(String... v) {
        urls = Arrays.asList(v);
        return this;
    }

    Submissions urls(List<String> v) {
        urls = v;
        return this;
    }

    Submissions dirs(String... v) {
        dirs = Arrays.asList(v);
        return this;
    }

    Submissions tags(String... v) {
        tags = Arrays.asList(v);
        return this;
    }

    Submissions scope(Scope v) {
        scope = v;
        return this;
    }

    Submissions priority(Integer v) {
        priority = v;
        return this;
    }

    Submissions deadlineS(Integer v) {
        deadlineS = v;
        return this;
    }

    Submissions options(TaskOptions v) {
        options = v;
        return this;
    }

    /** A directory purge: the given dirs, no URLs. */
    static Submissions refreshDir(String... dirs) {
        return new Submissions().type("refresh_dir").urls((List<String>) null).dirs(dirs);
    }

    static Submissions refreshTag(String... tags) {
        return new Submissions().type("refresh_tag").urls((List<String>) null).tags(tags);
    }

    static Submissions prefetch(String... urls) {
        return new Submissions().type("prefetch").urls(urls);
    }

    TaskSubmission build() {
        return new TaskSubmission(taskId, apiId, type, urls, dirs, tags, scope, priority, deadlineS, options);
    }
}
