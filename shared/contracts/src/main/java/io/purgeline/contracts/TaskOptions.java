package io.purgeline.contracts;

import java.util.Map;

/**
 * Optional behaviour of a task; every field may be absent on the wire. {@code hls} asks a prefetch of an {@code .m3u8}
 * playlist to fetch the playlist's segments too.
 */
public record TaskOptions(Boolean soft, Boolean layered, Boolean verify, Map<String, String> headers, Boolean hls) {
    public static final TaskOptions NONE = new TaskOptions(null, null, null, null, null);

    /** Options without {@code hls}, as tasks had them before HLS expansion. */
    public TaskOptions(Boolean soft, Boolean layered, Boolean verify, Map<String, String> headers) {
        this(soft, layered, verify, headers, null);
    }
}
