package io.purgeline.ingest;

import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.service.Env;
import io.purgeline.service.RequestVerifier;
import java.time.Duration;

/**
 * ingest-worker's own settings.
 *
 * @param maxTargets    {@code PURGELINE_MAX_TARGETS}: most URLs, directories or tags per task
 * @param dispatchChunk {@code PURGELINE_DISPATCH_CHUNK}: most nodes per dispatch message
 * @param consumers     {@code PURGELINE_INGEST_CONSUMERS}: AMQP submissions handled at once. Each spends most of its
 *                      time waiting for publisher confirms (~7 ms), not on the CPU, so a few beat one even on 2 cores.
 * @param signatureWindow {@code PURGELINE_SIGNATURE_WINDOW_MS}: how far a request's Timestamp may be from this clock
 *                      (and how long its token is remembered against replays); default 60 s
 * @param upstreamUser  {@code PURGELINE_UPSTREAM_AMQP_USER}: the AMQP user whose submissions are taken (their
 *                      {@code user_id}); default the user this worker connects as ({@code PURGELINE_AMQP_USER})
 */
public record IngestSettings(int maxTargets, int dispatchChunk, int consumers, Duration signatureWindow,
        String upstreamUser) {
    public IngestSettings {
        atLeastOne("PURGELINE_MAX_TARGETS", maxTargets);
        atLeastOne("PURGELINE_DISPATCH_CHUNK", dispatchChunk);
        atLeastOne("PURGELINE_INGEST_CONSUMERS", consumers);
        if (signatureWindow.toSeconds() < 1) {
            throw new IllegalArgumentException("PURGELINE_SIGNATURE_WINDOW_MS must be at least 1000, got "
                    + signatureWindow.toMillis());
        }
    }

    public static IngestSettings from(Env env) {
        return new IngestSettings(
                env.integer("PURGELINE_MAX_TARGETS", TaskValidator.DEFAULT_MAX_TARGETS),
                env.integer("PURGELINE_DISPATCH_CHUNK", TaskExpander.DEFAULT_CHUNK),
                env.integer("PURGELINE_INGEST_CONSUMERS", 4),
                env.millis("PURGELINE_SIGNATURE_WINDOW_MS", RequestVerifier.DEFAULT_WINDOW),
                env.str("PURGELINE_UPSTREAM_AMQP_USER", PurgelineConfig.from(env).amqp().user()));
    }

    private static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
