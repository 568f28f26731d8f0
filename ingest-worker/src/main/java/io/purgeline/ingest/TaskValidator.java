package io.purgeline.ingest;

import io.purgeline.contracts.Ids;
import static io.purgeline.ingest.Identifiers.quote;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TargetUrl;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.contracts.TaskType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Checks a submission against the rules of API.md §1 and turns it into a {@link ValidTask}, or throws an
 * {@link InvalidInputException} whose message names the first field that is wrong. Thread-safe.
 */
public final class TaskValidator {
    /** Ten thousand targets is about 1 MiB of URLs: one task, one TaskCreated message well under the body limit. */
    public static final int DEFAULT_MAX_TARGETS = 10_000;
    /** Middle of 0–9, so that an unprioritised task is neither starved nor favoured. */
    public static final int DEFAULT_PRIORITY = 5;
    static final int MAX_URL_LENGTH = TargetUrl.MAX_LENGTH;
    /**
     * Most bytes of a task's targets as JSON. They are stored in {@code tasks.targets} (MEDIUMTEXT, 16 MiB) and
     * carried by the task's creation and by every dispatch message of it, which a broker limits (RabbitMQ 4: 16 MiB
     * a message by default); 4 MiB leaves room for the rest of a message, and for the per-target results a node
     * reports ({@code subtasks.items}, also MEDIUMTEXT).
     */
    static final int MAX_TARGETS_BYTES = 4 << 20;
    /** Most bytes of {@code options} as JSON: {@code tasks.options} is a TEXT column, 65,535 bytes. */
    static final int MAX_OPTIONS_BYTES = 16 << 10;
    /** Headers per task, the length of a header's name and of its value: what caches accept on every request. */
    static final int MAX_HEADERS = 32;
    static final int MAX_HEADER_NAME = 64;
    static final int MAX_HEADER_VALUE = 1024;
    /** Distinct regions and nodes a scope may name. */
    static final int MAX_SCOPE_REGIONS = 100;
    static final int MAX_SCOPE_NODES = 10_000;
    /** An HTTP header name: an RFC 9110 token. */
    private static final java.util.regex.Pattern HEADER_NAME = java.util.regex.Pattern.compile(
            "[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    static final int MAX_TAG_LENGTH = 128;
    static final int MAX_DEADLINE_S = 86_400;
    static final int MAX_TIER = 9;

    /**
     * Default deadlines: URL and tag purges are quick everywhere; a directory purge makes each cache walk or ban its
     * index; a prefetch pulls every object through the origin, the slowest by far.
     */
    static final Map<TaskType, Integer> DEFAULT_DEADLINE_S = Map.of(
            TaskType.REFRESH, 600,
            TaskType.REFRESH_TAG, 600,
            TaskType.REFRESH_DIR, 1800,
            TaskType.PREFETCH, 3600);

    private static final Codec JSON = new Codec(-1);

    private static final String TYPES = Arrays.stream(TaskType.values()).map(TaskType::wire)
            .collect(Collectors.joining(", "));

    private final Map<TaskType, Integer> maxTargets;

    /** @param maxTargets most URLs, directories or tags one task may carry (after duplicates are dropped) */
    public TaskValidator(int maxTargets) {
        this(Arrays.stream(TaskType.values()).collect(Collectors.toMap(t -> t, t -> maxTargets)));
    }

    /** @param maxTargets per type, most URLs, directories or tags one task may carry (after duplicates are dropped) */
    public TaskValidator(Map<TaskType, Integer> maxTargets) {
        for (TaskType t : TaskType.values()) {
            Integer max = maxTargets.get(t);
            if (max == null || max < 1) {
                throw new IllegalArgumentException("the most targets of a " + t.wire() + " task must be at least 1, got "
                        + max);
            }
        }
        this.maxTargets = Map.copyOf(maxTargets);
    }

    /** @return the normalised task; a missing task id is replaced by a fresh UUID */
    public ValidTask validate(TaskSubmission s) {
        Objects.requireNonNull(s, "null submission");
        String taskId = s.taskId() == null ? UUID.randomUUID().toString() : checkTaskId(s.taskId());
        String apiId = checkApiId(s.apiId());
        TaskType type = checkType(s.type());
        List<String> targets = checkTargets(type, s);
        int priority = checkPriority(s.priority());
        int deadlineS = checkDeadline(s.deadlineS(), type);
        Scope scope = checkScope(s.scope());
        TaskOptions options = s.options() == null ? TaskOptions.NONE : checkOptions(s.options());
        return new ValidTask(taskId, apiId, type, targets, scope, priority, deadlineS, options);
    }

    private static String checkTaskId(String id) {
        if (!Ids.isTaskId(id)) {
            throw invalid("task_id " + quote(id) + " is not a valid task id (1 to 64 of A-Z a-z 0-9 . _ : -)");
        }
        return id;
    }

    private static String checkApiId(String apiId) {
        if (apiId == null) {
            throw invalid("api_id is required");
        }
        if (!Identifiers.API_ID.matcher(apiId).matches()) {
            throw invalid("api_id " + quote(apiId) + " is not a valid customer id (1 to 64 of A-Z a-z 0-9 . _ -)");
        }
        return apiId;
    }

    private static TaskType checkType(String type) {
        if (type == null) {
            throw invalid("type is required, expected one of " + TYPES);
        }
        return TaskType.fromWire(type).orElseThrow(
                () -> invalid("unknown type " + quote(type) + ", expected one of " + TYPES));
    }

    private List<String> checkTargets(TaskType type, TaskSubmission s) {
        String field = switch (type) {
            case REFRESH, PREFETCH -> "urls";
            case REFRESH_DIR -> "dirs";
            case REFRESH_TAG -> "tags";
        };
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put("urls", s.urls());
        lists.put("dirs", s.dirs());
        lists.put("tags", s.tags());
        lists.forEach((name, list) -> {
            if (!name.equals(field) && list != null && !list.isEmpty()) {
                throw invalid(name + " must be absent for type " + type.wire() + "; give the targets in " + field);
            }
        });
        List<String> given = lists.get(field);
        if (given == null || given.isEmpty()) {
            throw invalid(field + " is required and must not be empty for type " + type.wire());
        }
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String at = field + "[" + i + "]";
            String value = given.get(i);
            if (value == null) {
                throw invalid(at + " is null");
            }
            switch (type) {
                case REFRESH, PREFETCH -> checkUrl(at, value);
                case REFRESH_DIR -> checkDir(at, value);
                case REFRESH_TAG -> checkTag(at, value);
            }
            unique.add(value);
        }
        int max = maxTargets.get(type);
        if (unique.size() > max) {
            throw tooLarge(field + " has " + unique.size() + " distinct entries, at most " + max
                    + " are allowed per " + type.wire() + " task; split the task");
        }
        List<String> targets = new ArrayList<>(unique);
        int bytes = JSON.toJson(targets).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_TARGETS_BYTES) {
            throw tooLarge(field + " take " + bytes + " bytes as JSON, at most " + MAX_TARGETS_BYTES
                    + " are allowed per task; split the task");
        }
        return targets;
    }

    private static void checkUrl(String at, String value) {
        if (value.length() > MAX_URL_LENGTH) {
            throw tooLarge(at + " is " + value.length() + " characters long, at most " + MAX_URL_LENGTH
                    + " are allowed");
        }
        try {
            TargetUrl.parse(value);
        } catch (IllegalArgumentException e) {
            throw invalid(at + ": " + e.getMessage());
        }
    }

    private static void checkDir(String at, String value) {
        checkUrl(at, value);
        if (!value.endsWith("/")) {
            throw invalid(at + ": " + quote(value) + " must end with '/' (a directory prefix)");
        }
    }

    private static void checkTag(String at, String value) {
        int length = value.codePointCount(0, value.length());
        if (length < 1 || length > MAX_TAG_LENGTH) {
            throw invalid(at + " must be 1 to " + MAX_TAG_LENGTH + " characters long, got " + length);
        }
        if (value.codePoints().anyMatch(cp -> Character.isISOControl(cp) || !Character.isDefined(cp))) {
            throw invalid(at + ": " + quote(value) + " contains a non-printable character");
        }
    }

    private static int checkPriority(Integer priority) {
        if (priority == null) {
            return DEFAULT_PRIORITY;
        }
        if (priority < 0 || priority > 9) {
            throw invalid("priority must be 0 to 9 (higher first), got " + priority);
        }
        return priority;
    }

    private static int checkDeadline(Integer deadlineS, TaskType type) {
        if (deadlineS == null) {
            return DEFAULT_DEADLINE_S.get(type);
        }
        if (deadlineS < 1 || deadlineS > MAX_DEADLINE_S) {
            throw invalid("deadline_s must be 1 to " + MAX_DEADLINE_S + " seconds, got " + deadlineS);
        }
        return deadlineS;
    }

    private static TaskOptions checkOptions(TaskOptions options) {
        Map<String, String> headers = options.headers();
        if (headers != null) {
            if (headers.size() > MAX_HEADERS) {
                throw tooLarge("options.headers has " + headers.size() + " headers, at most " + MAX_HEADERS
                        + " are allowed");
            }
            for (Map.Entry<String, String> h : headers.entrySet()) {
                String name = h.getKey();
                String at = "options.headers[" + quote(name) + "]";
                if (name.length() > MAX_HEADER_NAME || !HEADER_NAME.matcher(name).matches()) {
                    throw invalid(at + ": a header name is 1 to " + MAX_HEADER_NAME
                            + " letters, digits or !#$%&'*+.^_`|~-");
                }
                String value = h.getValue();
                if (value == null) {
                    throw invalid(at + " is null");
                }
                if (value.length() > MAX_HEADER_VALUE) {
                    throw tooLarge(at + " is " + value.length() + " characters long, at most " + MAX_HEADER_VALUE
                            + " are allowed");
                }
                // CR or LF would let a value start a header or a request of its own on the way to the cache.
                if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                    throw invalid(at + " contains a control character");
                }
            }
        }
        int bytes = JSON.toJson(options).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_OPTIONS_BYTES) {
            throw tooLarge("options take " + bytes + " bytes as JSON, at most " + MAX_OPTIONS_BYTES + " are allowed");
        }
        return options;
    }

    private static Scope checkScope(Scope scope) {
        if (scope == null) {
            return Scope.ALL;
        }
        checkCount("scope.regions", scope.regions(), MAX_SCOPE_REGIONS);
        checkCount("scope.nodes", scope.nodes(), MAX_SCOPE_NODES);
        List<String> regions = checkEach("scope.regions", scope.regions(),
                r -> Identifiers.REGION.matcher(r).matches(),
                r -> quote(r) + " is not a valid region (1 to 64 of A-Z a-z 0-9 . _ -)");
        List<Integer> tiers = checkEach("scope.tiers", scope.tiers(),
                t -> t >= 1 && t <= MAX_TIER,
                t -> t + " is not a tier, expected 1 to " + MAX_TIER);
        List<String> nodes = checkEach("scope.nodes", scope.nodes(), Ids::isNodeId,
                n -> quote(n) + " is not a valid node id (1 to 64 of A-Z a-z 0-9 . _ -)");
        return new Scope(regions, tiers, nodes);
    }

    /** Checks every element; returns them without duplicates, or null for "no restriction". */
    private static <T> List<T> checkEach(String field, List<T> values, Predicate<T> valid,
            Function<T, String> problem) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        for (int i = 0; i < values.size(); i++) {
            T v = values.get(i);
            if (v == null) {
                throw invalid(field + "[" + i + "] is null");
            }
            if (!valid.test(v)) {
                throw invalid(field + "[" + i + "]: " + problem.apply(v));
            }
        }
        return List.copyOf(new LinkedHashSet<>(values));
    }

    private static void checkCount(String field, List<?> values, int max) {
        if (values != null && values.size() > max && new HashSet<>(values).size() > max) {
            throw tooLarge(field + " names more than " + max + " distinct entries");
        }
    }

    private static InvalidInputException invalid(String message) {
        return new InvalidInputException(message);
    }

    private static InvalidInputException tooLarge(String message) {
        return new InvalidInputException(InvalidInputException.TOO_LARGE, message);
    }
}
