package io.purgeline.ingest;

import io.purgeline.contracts.TaskType;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The domains a customer may purge: an exact host name ({@code www.example.com}) or every name under one
 * ({@code *.example.com}, which matches {@code a.example.com} and {@code a.b.example.com} but not {@code example.com}
 * itself). Tags name no host and are the customer's own by construction.
 */
public final class CustomerDomains {
    private static final Pattern NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

    private CustomerDomains() {}

    /** The domain in its stored form (lower case); throws {@link InvalidInputException} for a malformed one. */
    public static String normalise(String domain) {
        if (domain == null || domain.isBlank()) {
            throw new InvalidInputException("domain is required: a host name (www.example.com) or a wildcard"
                    + " (*.example.com)");
        }
        String d = domain.trim().toLowerCase(Locale.ROOT);
        String name = d.startsWith("*.") ? d.substring(2) : d;
        if (!NAME.matcher(name).matches() || !name.contains(".") && d.startsWith("*.")) {
            throw new InvalidInputException("domain " + Identifiers.quote(domain) + " must be a host name"
                    + " (www.example.com) or a wildcard over one (*.example.com)");
        }
        return d;
    }

    /**
     * The first target of a validated task whose host is outside {@code domains}, if any. A target whose host cannot
     * be told is foreign: only what is known to be the customer's passes.
     */
    public static Optional<String> firstForeign(ValidTask task, List<String> domains) {
        if (task.type() == TaskType.REFRESH_TAG) {
            return Optional.empty();
        }
        for (String target : task.targets()) {
            String host = hostOf(target);
            if (host == null || !allowed(host, domains)) {
                return Optional.of(target);
            }
        }
        return Optional.empty();
    }

    static boolean allowed(String host, List<String> domains) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String d : domains) {
            if (d.startsWith("*.") ? h.endsWith(d.substring(1)) : h.equals(d)) {
                return true;
            }
        }
        return false;
    }

    /** The host of an absolute URL: after "://", before the path, without user info or port. */
    static String hostOf(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return null;
        }
        String rest = url.substring(start + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? null : authority.substring(0, close + 1);
        }
        int colon = authority.indexOf(':');
        String host = colon < 0 ? authority : authority.substring(0, colon);
        return host.isEmpty() ? null : host;
    }
}
