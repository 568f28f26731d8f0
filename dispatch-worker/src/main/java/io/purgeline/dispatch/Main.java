package io.purgeline.dispatch;

import io.purgeline.service.RunningWorker;
import java.time.Duration;

/** dispatch-worker: delivers every node's share of a task to its edge agent. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        RunningWorker.run(DispatchWorker.NAME, Duration.ofSeconds(30), DispatchWorker::start);
    }
}
