package io.purgeline.ingest;

import io.purgeline.service.Env;

/**
 * ingest-worker's own settings.
 *
 * @param maxTargets    {@code PURGELINE_MAX_TARGETS}: most URLs, directories or tags per task
 * @param dispatchChunk {@code PURGELINE_DISPATCH_CHUNK}: most nodes per dispatch message
 * @param consumers     {@code PURGELINE_INGEST_CONSUMERS}: AMQP submissions handled at once. Each spends most of its
 *                      time waiting for publisher confirms (~7 ms), not on the CPU, so a few beat one even on 2 cores.
 */
public record IngestSettings(int maxTargets, int dispatchChunk, int consumers) {
    public IngestSettings {
        atLeastOne("PURGELINE_MAX_TARGETS", maxTargets);
        atLeastOne("PURGELINE_DISPATCH_CHUNK", dispatchChunk);
        atLeastOne("PURGELINE_INGEST_CONSUMERS", consumers);
    }

    public static IngestSettings from(Env env) {
        return new IngestSettings(
                env.integer("PURGELINE_MAX_TARGETS", TaskValidator.DEFAULT_MAX_TARGETS),
                env.integer("PURGELINE_DISPATCH_CHUNK", TaskExpander.DEFAULT_CHUNK),
                env.integer("PURGELINE_INGEST_CONSUMERS", 4));
    }

    private static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
