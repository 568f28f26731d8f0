package io.purgeline.ingest;

import io.purgeline.service.RunningWorker;
import java.time.Duration;

/** ingest-worker: takes task submissions over AMQP and HTTP and fans them out to the dispatch lanes. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        RunningWorker.run(IngestWorker.NAME, Duration.ofSeconds(30), IngestWorker::start);
    }
}
