package io.purgeline.contracts;

import java.util.Map;

/** Optional behaviour of a task; every field may be absent on the wire. */
public record TaskOptions(Boolean soft, Boolean layered, Boolean verify, Map<String, String> headers) {
    public static final TaskOptions NONE = new TaskOptions(null, null, null, null);
}
