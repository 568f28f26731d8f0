package io.purgeline.ingest;

import io.purgeline.contracts.Ids;
import static io.purgeline.ingest.Identifiers.quote;

import io.purgeline.contracts.Scope;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.contracts.TaskType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
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
    static final int MAX_URL_LENGTH = 2048;
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

    private static final String TYPES = Arrays.stream(TaskType.values()).map(TaskType::wire)
            .collect(Collectors.joining(", "));

    private final int maxTargets;

    /** @param maxTargets most URLs, directories or tags one task may carry (after duplicates are dropped) */
    public TaskValidator(int maxTargets) {
        if (maxTargets < 1) {
            throw new IllegalArgumentException("maxTargets must be at least 1, got " + maxTargets);
        }
        this.maxTargets = maxTargets;
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
        TaskOptions options = s.options() == null ? TaskOptions.NONE : s.options();
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
        if (unique.size() > maxTargets) {
            throw invalid(field + " has " + unique.size() + " distinct entries, at most " + maxTargets
                    + " are allowed per task; split the task");
        }
        return new ArrayList<>(unique);
    }

    private static void checkUrl(String at, String value) {
        if (value.length() > MAX_URL_LENGTH) {
            throw invalid(at + " is " + value.length() + " characters long, at most " + MAX_URL_LENGTH
                    + " are allowed");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(at + ": " + quote(value) + " is not a valid URL: " + e.getReason() + " at index "
                    + e.getIndex());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw invalid(at + ": " + quote(value) + " is not an http(s) URL");
        }
        if (host(uri).isEmpty()) {
            throw invalid(at + ": " + quote(value) + " has no host");
        }
        if (uri.getRawFragment() != null) {
            throw invalid(at + ": " + quote(value) + " has a fragment (#...), which never reaches a cache; remove it");
        }
    }

    /**
     * The host of an http(s) URI. {@link URI#getHost()} is null for names with an underscore (legal in DNS and used
     * by CDN customers), so fall back to the authority without user info and port.
     */
    private static String host(URI uri) {
        if (uri.getHost() != null) {
            return uri.getHost();
        }
        String authority = uri.getRawAuthority();
        if (authority == null) {
            return "";
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
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

    private static Scope checkScope(Scope scope) {
        if (scope == null) {
            return Scope.ALL;
        }
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

    private static InvalidInputException invalid(String message) {
        return new InvalidInputException(message);
    }
}
