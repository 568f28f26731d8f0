package io.purgeline.ingest;

import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.service.Env;
import io.purgeline.service.RequestVerifier;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * ingest-worker's own settings.
 *
 * @param maxTargets    most URLs, directories or tags per task of each type: {@code PURGELINE_MAX_TARGETS_<TYPE>}
 *                      (e.g. {@code PURGELINE_MAX_TARGETS_PREFETCH}), by default {@code PURGELINE_MAX_TARGETS}
 * @param dispatchChunk {@code PURGELINE_DISPATCH_CHUNK}: most nodes per dispatch message
 * @param consumers     {@code PURGELINE_INGEST_CONSUMERS}: AMQP submissions handled at once. Each spends most of its
 *                      time waiting for publisher confirms (~7 ms), not on the CPU, so a few beat one even on 2 cores.
 * @param signatureWindow {@code PURGELINE_SIGNATURE_WINDOW_MS}: how far a request's Timestamp may be from this clock
 *                      (and how long its token is remembered against replays); default 60 s
 * @param upstreamUser  {@code PURGELINE_UPSTREAM_AMQP_USER}: the AMQP user whose submissions are taken (their
 *                      {@code user_id}); default the user this worker connects as ({@code PURGELINE_AMQP_USER})
 */
public record IngestSettings(Map<TaskType, Integer> maxTargets, int dispatchChunk, int consumers,
        Duration signatureWindow, String upstreamUser) {
    public IngestSettings {
        maxTargets.forEach((type, max) -> atLeastOne(envName(type), max));
        maxTargets = Map.copyOf(maxTargets);
        atLeastOne("PURGELINE_DISPATCH_CHUNK", dispatchChunk);
        atLeastOne("PURGELINE_INGEST_CONSUMERS", consumers);
        if (signatureWindow.toSeconds() < 1) {
            throw new IllegalArgumentException("PURGELINE_SIGNATURE_WINDOW_MS must be at least 1000, got "
                    + signatureWindow.toMillis());
        }
    }

    public static IngestSettings from(Env env) {
        int all = env.integer("PURGELINE_MAX_TARGETS", TaskValidator.DEFAULT_MAX_TARGETS);
        atLeastOne("PURGELINE_MAX_TARGETS", all);
        Map<TaskType, Integer> perType = new EnumMap<>(TaskType.class);
        for (TaskType t : TaskType.values()) {
            perType.put(t, env.integer(envName(t), all));
        }
        return new IngestSettings(perType,
                env.integer("PURGELINE_DISPATCH_CHUNK", TaskExpander.DEFAULT_CHUNK),
                env.integer("PURGELINE_INGEST_CONSUMERS", 4),
                env.millis("PURGELINE_SIGNATURE_WINDOW_MS", RequestVerifier.DEFAULT_WINDOW),
                env.str("PURGELINE_UPSTREAM_AMQP_USER", PurgelineConfig.from(env).amqp().user()));
    }

    private static String envName(TaskType type) {
        return "PURGELINE_MAX_TARGETS_" + type.wire().toUpperCase(Locale.ROOT);
    }

    private static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
