package io.purgeline.alert;

/** Where notifications go: a webhook, e-mail. Each send gives up within the sink's timeout. */
interface Sink {
    /** Stable name, as stored in the outbox: {@code webhook}, {@code email}. */
    String name();

    /** Sends one notification; throws if it was not taken (the outbox retries it). */
    void send(Notification notification) throws Exception;
}
