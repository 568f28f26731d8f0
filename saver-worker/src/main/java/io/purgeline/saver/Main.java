package io.purgeline.saver;

import io.purgeline.service.Env;
import java.time.Duration;

/** saver-worker: the only writer of task and subtask state. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("PURGELINE_WORKER", SaverWorker.NAME);
        SaverWorker worker = SaverWorker.start(Env.system());
        worker.lifecycle().closeOnShutdown(Duration.ofSeconds(30));
        worker.lifecycle().awaitClosed();
    }
}
