package io.purgeline.saver;

import io.purgeline.service.RunningWorker;
import java.time.Duration;

/** saver-worker: the only writer of task and subtask state. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        RunningWorker.run(SaverWorker.NAME, Duration.ofSeconds(30), SaverWorker::start);
    }
}
