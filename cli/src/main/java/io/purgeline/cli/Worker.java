package io.purgeline.cli;

/** purgeline's workers, each on its documented port (README "Configuration"), in the order {@code up} starts them. */
enum Worker {
    SAVER("saver", "saver-worker", 8083),
    CALLBACK("callback", "callback-worker", 8081),
    ALERT("alert", "alert-worker", 8084),
    DISPATCH("dispatch", "dispatch-worker", 8082),
    INGEST("ingest", "ingest-worker", 8080);

    final String key;
    final String module;
    final int port;

    Worker(String key, String module, int port) {
        this.key = key;
        this.module = module;
        this.port = port;
    }

    /** The variable that points the command line at this worker, e.g. {@code PURGELINE_SAVER_URL}. */
    String urlVariable() {
        return "PURGELINE_" + name() + "_URL";
    }

    String defaultUrl() {
        return "http://127.0.0.1:" + port;
    }
}
