package io.purgeline.ingest;

import io.purgeline.contracts.Ids;
import java.util.regex.Pattern;

/** Identifier shapes for intake's messages: the shared ones from {@link Ids}, and the region's. */
final class Identifiers {
    static final Pattern TASK_ID = Ids.TASK_ID;
    static final Pattern NODE_ID = Ids.NODE_ID;
    static final Pattern API_ID = Ids.API_ID;
    /** Same shape as node ids; 64 is the width of nodes.region. */
    static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Identifiers() {}

    /** Quotes a value for an error message, shortened so that a huge bad value does not make a huge message. */
    static String quote(String value) {
        return value.length() <= 120 ? "'" + value + "'" : "'" + value.substring(0, 117) + "...'";
    }
}
