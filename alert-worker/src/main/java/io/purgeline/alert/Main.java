package io.purgeline.alert;

import io.purgeline.service.Env;
import java.time.Duration;

/** alert-worker: logs every alert raised anywhere in purgeline. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("PURGELINE_WORKER", AlertWorker.NAME);
        AlertWorker worker = AlertWorker.start(Env.system());
        worker.lifecycle().closeOnShutdown(Duration.ofSeconds(30));
        worker.lifecycle().awaitClosed();
    }
}
