package io.purgeline.alert;

import io.purgeline.service.RunningWorker;
import java.time.Duration;

/** alert-worker: logs every alert raised anywhere in purgeline. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        RunningWorker.run(AlertWorker.NAME, Duration.ofSeconds(30), AlertWorker::start);
    }
}
