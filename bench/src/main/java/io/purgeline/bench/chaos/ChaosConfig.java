package io.purgeline.bench.chaos;

import java.time.Duration;

/**
 * How hard a chaos run shakes purgeline.
 *
 * @param nodes       simulated edge nodes (each on its own loopback address)
 * @param tasksPerSecond refresh tasks submitted over AMQP per second while the faults happen
 * @param faultGap    pause between two faults; the load runs from before the first to after the last
 * @param failureRate share of purges the simulated caches fail (exercises recorded failures)
 * @param settle      how long every accepted task may take to become final after the load stops
 */
public record ChaosConfig(int nodes, double tasksPerSecond, Duration faultGap, double failureRate, Duration settle) {
    public ChaosConfig {
        if (nodes < 50) {
            throw new IllegalArgumentException("a chaos run needs at least 50 nodes, got " + nodes);
        }
        if (tasksPerSecond <= 0) {
            throw new IllegalArgumentException("tasks per second must be positive, got " + tasksPerSecond);
        }
    }

    /** The short form CI runs: 50 nodes, 3 tasks a second, faults 2 s apart. */
    public static ChaosConfig ci() {
        return new ChaosConfig(50, 3, Duration.ofSeconds(2), 0.002, Duration.ofSeconds(180));
    }
}
