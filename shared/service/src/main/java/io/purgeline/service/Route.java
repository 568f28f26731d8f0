package io.purgeline.service;

/** Handles one routed HTTP request. Runs on a server thread and may block. */
@FunctionalInterface
public interface Route {
    HttpReply handle(HttpCall call) throws Exception;
}
