package io.purgeline.contracts;

import java.util.Arrays;

/**
 * Item results written by hand into a {@link StringBuilder}, character for character as Gson writes them (HTML
 * escaping off). Gson's {@code JsonWriter} makes a call on its {@code Writer} for every name, value and quote, and
 * the writer under {@code toJson} is a {@code StringWriter}, whose buffer locks on every call: writing items and
 * escaping their text for a save that way took more of dispatch-worker than decoding them.
 */
final class JsonText {
    /** What Gson writes for each ASCII character that JSON strings cannot hold as they are (null: as it is). */
    private static final String[] REPLACEMENTS = new String[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            REPLACEMENTS[c] = String.format("\\u%04x", c);
        }
        REPLACEMENTS['"'] = "\\\"";
        REPLACEMENTS['\\'] = "\\\\";
        REPLACEMENTS['\t'] = "\\t";
        REPLACEMENTS['\b'] = "\\b";
        REPLACEMENTS['\n'] = "\\n";
        REPLACEMENTS['\r'] = "\\r";
        REPLACEMENTS['\f'] = "\\f";
    }

    private JsonText() {}

    /**
     * {@code s} as a JSON string literal. Escaped through a char array: a save's items text has a quote every few
     * characters, and a {@link StringBuilder} copies a piece of a string char by char.
     */
    static String quoted(String s) {
        int length = s.length();
        char[] in = new char[length];
        s.getChars(0, length, in, 0);
        char[] out = new char[length + length / 4 + 16];
        int n = 0;
        out[n++] = '"';
        for (char c : in) {
            String replacement = replacement(c);
            int need = replacement == null ? 1 : replacement.length();
            if (n + need + 1 > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, n + need + 1));
            }
            if (replacement == null) {
                out[n++] = c;
            } else {
                replacement.getChars(0, need, out, n);
                n += need;
            }
        }
        out[n++] = '"';
        return new String(out, 0, n);
    }

    /** Appends {@code s} as a JSON string literal. */
    static void string(StringBuilder out, String s) {
        if (plain(s)) {
            out.append('"').append(s).append('"'); // the usual case, copied whole
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = replacement(c);
            if (replacement == null) {
                out.append(c);
            } else {
                out.append(replacement);
            }
        }
        out.append('"');
    }

    /** What Gson writes for {@code c} in a string, or null when it writes {@code c} as it is. */
    private static String replacement(char c) {
        if (c < 128) {
            return REPLACEMENTS[c];
        }
        if (c == '\u2028') {
            return "\\u2028"; // line separators end a line in JavaScript
        }
        return c == '\u2029' ? "\\u2029" : null;
    }

    /**
     * Appends one item as the codec writes an {@link ItemResult}: its fields in order, nulls left out. Without
     * {@code target}, the item's target is left out (it is implied, see {@link Items#impliedTargets}).
     */
    static void item(StringBuilder out, ItemResult item, boolean target) {
        if (item == null) {
            out.append("null");
            return;
        }
        out.append('{');
        if (target && item.target() != null) {
            out.append("\"target\":");
            string(out, item.target());
            out.append(',');
        }
        out.append("\"http_code\":").append(item.httpCode()).append(",\"bytes\":").append(item.bytes())
                .append(",\"elapsed_ms\":").append(item.elapsedMs());
        if (item.error() != null) {
            out.append(",\"error\":");
            string(out, item.error());
        }
        if (item.verification() != null) {
            out.append(",\"verification\":");
            verification(out, item.verification(), false);
        }
        out.append('}');
    }

    /**
     * Appends one item as a row ({@link Items}): {@code [http_code, bytes, elapsed_ms, error, verification, target]}
     * with the trailing nulls left out, so a purge that succeeded is {@code [200,0,3]}; a row carries the numbers a
     * named item does in a fifth of its characters and without the three names every reader had to make a string of.
     * With {@code literal}, appends that text as it stands inside a JSON string literal instead (quotes and
     * backslashes escaped once more), which is how a save carries items: written so at once, the text is not escaped
     * again. Without {@code target}, the item's target is left out (it is implied, see {@link Items#rows}).
     */
    static void row(StringBuilder out, ItemResult item, boolean literal, boolean target) {
        if (item == null) {
            out.append("null");
            return;
        }
        out.append('[').append(item.httpCode()).append(',').append(item.bytes()).append(',').append(item.elapsedMs());
        String t = target ? item.target() : null;
        Verification v = item.verification();
        int last = t != null ? 3 : v != null ? 2 : item.error() != null ? 1 : 0;
        if (last >= 1) {
            out.append(',');
            if (item.error() == null) {
                out.append("null");
            } else {
                string(out, item.error(), literal);
            }
        }
        if (last >= 2) {
            out.append(',');
            if (v == null) {
                out.append("null");
            } else {
                verification(out, v, literal);
            }
        }
        if (last == 3) {
            out.append(',');
            string(out, t, literal);
        }
        out.append(']');
    }

    private static void verification(StringBuilder out, Verification v, boolean literal) {
        String q = literal ? "\\\"" : "\"";
        out.append('{').append(q).append("fresh").append(q).append(':').append(v.fresh())
                .append(',').append(q).append("http_code").append(q).append(':').append(v.httpCode());
        if (v.evidence() != null) {
            out.append(',').append(q).append("evidence").append(q).append(':');
            string(out, v.evidence(), literal);
        }
        out.append('}');
    }

    private static void string(StringBuilder out, String s, boolean literal) {
        if (!literal) {
            string(out, s);
        } else if (plain(s)) {
            out.append("\\\"").append(s).append("\\\"");
        } else {
            String twice = quoted(quoted(s));
            out.append(twice, 1, twice.length() - 1);
        }
    }

    /** Whether {@code s} goes into a JSON string as it is. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (replacement(s.charAt(i)) != null) {
                return false;
            }
        }
        return true;
    }
}
