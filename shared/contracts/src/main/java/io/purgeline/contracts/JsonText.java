package io.purgeline.contracts;

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

    /** {@code s} as a JSON string literal. */
    static String quoted(String s) {
        StringBuilder out = new StringBuilder(s.length() + s.length() / 4 + 2);
        string(out, s);
        return out.toString();
    }

    /** Appends {@code s} as a JSON string literal. */
    static void string(StringBuilder out, String s) {
        out.append('"');
        int last = 0;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            String replacement;
            if (c < 128) {
                replacement = REPLACEMENTS[c];
                if (replacement == null) {
                    continue;
                }
            } else if (c == '\u2028') {
                replacement = "\\u2028"; // line separators end a line in JavaScript
            } else if (c == '\u2029') {
                replacement = "\\u2029";
            } else {
                continue;
            }
            out.append(s, last, i).append(replacement);
            last = i + 1;
        }
        out.append(s, last, length).append('"');
    }

    /** Appends one item as the codec writes an {@link ItemResult}: its fields in order, nulls left out. */
    static void item(StringBuilder out, ItemResult item) {
        if (item == null) {
            out.append("null");
            return;
        }
        out.append('{');
        if (item.target() != null) {
            out.append("\"target\":");
            string(out, item.target());
            out.append(',');
        }
        out.append("\"http_code\":").append(item.httpCode())
                .append(",\"bytes\":").append(item.bytes())
                .append(",\"elapsed_ms\":").append(item.elapsedMs());
        if (item.error() != null) {
            out.append(",\"error\":");
            string(out, item.error());
        }
        Verification v = item.verification();
        if (v != null) {
            out.append(",\"verification\":{\"fresh\":").append(v.fresh()).append(",\"http_code\":").append(v.httpCode());
            if (v.evidence() != null) {
                out.append(",\"evidence\":");
                string(out, v.evidence());
            }
            out.append('}');
        }
        out.append('}');
    }
}
