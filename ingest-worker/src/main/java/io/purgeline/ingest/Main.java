package io.purgeline.ingest;

import io.purgeline.service.Env;
import java.time.Duration;

/** ingest-worker: takes task submissions over AMQP and HTTP and fans them out to the dispatch lanes. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("PURGELINE_WORKER", IngestWorker.NAME);
        IngestWorker worker = IngestWorker.start(Env.system());
        worker.lifecycle().closeOnShutdown(Duration.ofSeconds(30));
        worker.lifecycle().awaitClosed();
    }
}
