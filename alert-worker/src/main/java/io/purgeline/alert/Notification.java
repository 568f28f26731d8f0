package io.purgeline.alert;

import java.time.Duration;
import java.time.Instant;

/**
 * One message to the people on call: the first alert of its key in a window ({@code type} "alert"), or the summary
 * of the repeats counted when that window closed ({@code type} "summary"). This record is also the body the
 * {@code generic} webhook format posts.
 *
 * @param repeats       for a summary: alerts of the key after the first within the window
 * @param windowSeconds the de-duplication window
 * @param alertId       the history row of the first alert of the window
 */
public record Notification(
        String type,
        String key,
        String severity,
        String kind,
        String subject,
        String text,
        String source,
        String taskId,
        String nodeId,
        Instant at,
        int repeats,
        long windowSeconds,
        long alertId) {

    public static final String ALERT = "alert";
    public static final String SUMMARY = "summary";

    /** A one-line title for mail subjects and chat messages. */
    public String title() {
        return "[purgeline " + severity + "] " + kind + " " + subject
                + (SUMMARY.equals(type) ? " (" + repeats + " more)" : "");
    }

    /** "5 min", "30 s", "2 h": how the summary names its window. */
    static String describe(Duration window) {
        long s = window.toSeconds();
        if (s >= 3600 && s % 3600 == 0) {
            return s / 3600 + " h";
        }
        if (s >= 60 && s % 60 == 0) {
            return s / 60 + " min";
        }
        return s > 0 ? s + " s" : window.toMillis() + " ms";
    }
}
