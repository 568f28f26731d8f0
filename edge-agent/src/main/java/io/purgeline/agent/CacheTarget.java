package io.purgeline.agent;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A target URL as the cache sees it: the Host header (host, and port when given) and the raw path and query. Raw,
 * that is still percent-encoded, because that is how the cache stored the object's URL.
 */
record CacheTarget(String host, String path, String pathAndQuery) {

    static CacheTarget parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException("'" + url + "' is not a valid URL");
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an absolute http(s) URL with a host");
        }
        String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        return new CacheTarget(host, path, pathAndQuery);
    }
}
