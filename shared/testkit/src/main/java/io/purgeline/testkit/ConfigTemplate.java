package io.purgeline.testkit;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Fills the {@code {{NAME}}} placeholders of a reference cache configuration shipped with the agent. */
public final class ConfigTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Z_]+)}}");

    private ConfigTemplate() {}

    /** Every placeholder must have a value and every value a placeholder, so a renamed one fails loudly. */
    public static String fill(String template, Map<String, String> values) {
        Objects.requireNonNull(template, "null template");
        for (String name : values.keySet()) {
            if (!template.contains("{{" + name + "}}")) {
                throw new IllegalArgumentException("template has no {{" + name + "}} placeholder");
            }
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for the {{" + m.group(1) + "}} placeholder");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
