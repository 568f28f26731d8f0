package io.purgeline.service;

import java.time.Duration;

/**
 * A worker whose resource never finishes closing, started as a process by {@link LifecycleShutdownTest}.
 * Argument: the graceful-stop budget in milliseconds.
 */
public final class StuckWorker {
    private StuckWorker() {}

    public static void main(String[] args) throws Exception {
        Lifecycle lifecycle = new Lifecycle("stuck");
        lifecycle.own("resource that never closes", () -> new java.util.concurrent.CountDownLatch(1).await());
        lifecycle.closeOnShutdown(Duration.ofMillis(Long.parseLong(args[0])));
        System.out.println("ready");
        System.out.flush();
        lifecycle.awaitClosed();
    }
}
