package io.purgeline.agent;

import io.purgeline.service.Env;
import java.time.Duration;

/** edge-agent: runs purges and prefetches on this node's cache for the dispatcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("PURGELINE_WORKER", AgentWorker.NAME);
        AgentWorker agent = AgentWorker.start(Env.system());
        agent.lifecycle().closeOnShutdown(Duration.ofSeconds(60));
        agent.lifecycle().awaitClosed();
    }
}
