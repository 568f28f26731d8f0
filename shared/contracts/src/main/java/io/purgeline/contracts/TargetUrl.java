package io.purgeline.contracts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * A target URL as purgeline reads it, in one place for intake (which refuses what does not parse) and the agent (which
 * acts on what does): an absolute http(s) URL with a host, an optional port, no user info and no fragment. Path and
 * query stay raw, that is still percent-encoded, because that is how a cache stored the object's URL.
 *
 * @param port -1 when the URL gives none
 */
public record TargetUrl(String host, int port, String rawPath, String rawQuery) {
    /** Longest URL accepted: what caches and browsers handle everywhere, and what the task's targets budget assumes. */
    public static final int MAX_LENGTH = 2048;

    /**
     * A DNS name (underscores allowed, as DNS does and container names and some CDN customers use them; 253
     * characters, labels of 63), an IPv4 address, or a bracketed IPv6 address. Node addresses use the same syntax.
     */
    public static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*"
                    + "|\\[[0-9A-Fa-f:.]{2,45}]");

    /** @throws IllegalArgumentException naming what is wrong, with the URL quoted (shortened) */
    public static TargetUrl parse(String url) {
        if (url == null) {
            throw new IllegalArgumentException("the URL is missing");
        }
        if (url.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the URL is " + url.length() + " characters long, at most "
                    + MAX_LENGTH + " are allowed");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(quote(url) + " is not a valid URL: " + e.getReason() + " at index "
                    + e.getIndex());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException(quote(url) + " is not an http(s) URL");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw new IllegalArgumentException(quote(url) + " has no host");
        }
        if (authority.contains("@")) {
            throw new IllegalArgumentException(quote(url) + " has user info (user@host), which never reaches a cache");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(quote(url) + " has a fragment (#...), which never reaches a cache; "
                    + "remove it");
        }
        int close = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        String host = colon > close ? authority.substring(0, colon) : authority;
        int port = -1;
        if (colon > close) {
            port = port(authority.substring(colon + 1));
            if (port < 0) {
                throw new IllegalArgumentException(quote(url) + " has an invalid port (1 to 65535)");
            }
        }
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(quote(url) + " has an invalid host " + quote(host)
                    + " (a DNS name of letters, digits, '-' and '_', an IPv4 address or a bracketed IPv6 address)");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return new TargetUrl(host, port, path, uri.getRawQuery());
    }

    /** 1–65535, or -1 when not a port. */
    public static int port(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int p = Integer.parseInt(text);
        return p >= 1 && p <= 65535 ? p : -1;
    }

    /** The Host header a cache keys this URL under: the host, and the port when the URL gives one. */
    public String hostHeader() {
        return port < 0 ? host : host + ":" + port;
    }

    public String pathAndQuery() {
        return rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
    }

    private static String quote(String value) {
        return value.length() <= 120 ? "'" + value + "'" : "'" + value.substring(0, 117) + "...'";
    }
}
