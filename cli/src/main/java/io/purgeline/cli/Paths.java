package io.purgeline.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Operators' words placed in URLs: a task id like {@code a/b} must reach the API as one segment and be refused there. */
final class Paths {
    private Paths() {}

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
