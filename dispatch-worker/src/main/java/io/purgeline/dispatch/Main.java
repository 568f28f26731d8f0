package io.purgeline.dispatch;

import io.purgeline.service.Env;
import java.time.Duration;

/** dispatch-worker: delivers every node's share of a task to its edge agent. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("PURGELINE_WORKER", DispatchWorker.NAME);
        DispatchWorker worker = DispatchWorker.start(Env.system());
        worker.lifecycle().closeOnShutdown(Duration.ofSeconds(30));
        worker.lifecycle().awaitClosed();
    }
}
