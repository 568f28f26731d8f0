package io.purgeline.agent;

import io.purgeline.service.RunningWorker;
import java.time.Duration;

/** edge-agent: runs purges and prefetches on this node's cache for the dispatcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        RunningWorker.run(AgentWorker.NAME, Duration.ofSeconds(60), AgentWorker::start);
    }
}
