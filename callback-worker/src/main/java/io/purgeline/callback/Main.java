package io.purgeline.callback;

import io.purgeline.service.RunningWorker;
import java.time.Duration;

/** callback-worker: receives edge agents' results and heartbeats. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        RunningWorker.run(CallbackWorker.NAME, Duration.ofSeconds(30), CallbackWorker::start);
    }
}
