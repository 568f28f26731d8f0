package io.purgeline.saver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Splits rows into multi-row statements. About 500 rows per statement is where MariaDB's batch throughput levels off
 * (~140,000 rows/s here); the byte budget keeps a statement of large rows (URL lists, per-URL results) well under
 * the server's default 16 MiB {@code max_allowed_packet}, and the saver's heap small: the driver escapes a statement
 * into a buffer that doubles as it grows, so a statement costs several times its size while it is sent (4 MiB
 * statements ran a 128 MiB heap out of memory under the throughput benchmark).
 *
 * <p>Every statement has a power-of-two number of rows (a run of 300 goes as 256, 32, 8 and 4), so that each
 * statement has at most ten shapes: JDBI parses a statement's SQL once per shape and caches it (1,000 entries). With
 * any row count, the shapes outnumbered the cache, and the saver spent a quarter of its CPU re-lexing SQL of up to
 * 100 KiB (JFR, throughput benchmark).
 */
final class Chunks {
    static final int MAX_ROWS = 512;
    static final int MAX_BYTES = 1 << 20;

    private Chunks() {}

    /**
     * The values of an {@code IN (...)} list, padded to a power-of-two count by repeating the last one (which changes
     * nothing an IN list selects): the same ten shapes as the multi-row statements instead of one per task count, which
     * had again filled JDBI's parse cache (an eighth of the saver's CPU in its SQL lexer, JFR, throughput benchmark).
     */
    static List<String> padded(Collection<String> values) {
        List<String> list = new ArrayList<>(values);
        if (list.isEmpty()) {
            return list;
        }
        int shape = Integer.highestOneBit(list.size());
        if (shape < list.size()) {
            shape <<= 1;
        }
        String last = list.get(list.size() - 1);
        while (list.size() < shape) {
            list.add(last);
        }
        return list;
    }

    /** @param size an estimate of a row's size in the statement, in bytes */
    static <T> List<List<T>> of(List<T> rows, ToIntFunction<T> size) {
        List<List<T>> chunks = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long bytes = 0;
        for (T row : rows) {
            int rowBytes = size.applyAsInt(row);
            if (!current.isEmpty() && (current.size() == MAX_ROWS || bytes + rowBytes > MAX_BYTES)) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(row);
            bytes += rowBytes;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        List<List<T>> shaped = new ArrayList<>();
        for (List<T> chunk : chunks) {
            int from = 0;
            while (from < chunk.size()) {
                int n = Integer.highestOneBit(chunk.size() - from);
                shaped.add(chunk.subList(from, from + n));
                from += n;
            }
        }
        return shaped;
    }
}
