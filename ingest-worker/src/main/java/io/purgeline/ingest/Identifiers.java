package io.purgeline.ingest;

import java.util.regex.Pattern;

/** The shapes of the identifiers purgeline agrees on across modules (see the brief's conventions). */
final class Identifiers {
    static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Pattern API_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Same shape as node ids; 64 is the width of nodes.region. */
    static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Identifiers() {}

    static boolean isTaskId(String s) {
        return s != null && TASK_ID.matcher(s).matches();
    }

    static boolean isNodeId(String s) {
        return s != null && NODE_ID.matcher(s).matches();
    }

    /** Quotes a value for an error message, shortened so that a huge bad value does not make a huge message. */
    static String quote(String value) {
        return value.length() <= 120 ? "'" + value + "'" : "'" + value.substring(0, 117) + "...'";
    }
}
