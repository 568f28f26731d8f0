package io.purgeline.runtime;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often each message failed in this consumer, by message id (or, lacking one, by its body). Kept in memory and
 * bounded: a requeued message comes back to the same consumer nearly always, and where it goes elsewhere (another
 * instance, a restart), it is tried a few more times, still a bounded number.
 */
final class FailureCounts {
    /** Messages failing at once, far more than a consumer's prefetch; beyond it the oldest counts are dropped. */
    private static final int CAPACITY = 10_000;

    private final Map<String, Integer> counts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Records one more failure; returns how many this message has had. */
    synchronized int failed(Inbound in) {
        return counts.merge(key(in), 1, Integer::sum);
    }

    synchronized void forget(Inbound in) {
        if (!counts.isEmpty()) {
            counts.remove(key(in));
        }
    }

    private static String key(Inbound in) {
        String id = in.messageId();
        return id != null ? "id:" + id : "body:" + in.body().length + ":" + Arrays.hashCode(in.body());
    }
}
