package io.purgeline.service;

import java.util.concurrent.CompletionStage;

/**
 * Handles one routed HTTP request whose answer comes later (a confirm, a commit): the server thread is free as soon as
 * this returns. The reply may complete exceptionally with an {@link HttpError} (or anything else, answered 500).
 */
@FunctionalInterface
public interface AsyncRoute {
    CompletionStage<HttpReply> handle(HttpCall call) throws Exception;
}
