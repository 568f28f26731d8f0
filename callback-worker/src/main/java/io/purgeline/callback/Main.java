package io.purgeline.callback;

import io.purgeline.service.Env;
import java.time.Duration;

/** callback-worker: receives edge agents' results and heartbeats. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("PURGELINE_WORKER", CallbackWorker.NAME);
        CallbackWorker worker = CallbackWorker.start(Env.system());
        worker.lifecycle().closeOnShutdown(Duration.ofSeconds(30));
        worker.lifecycle().awaitClosed();
    }
}
