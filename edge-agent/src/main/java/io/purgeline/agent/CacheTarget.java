package io.purgeline.agent;

import io.purgeline.contracts.TargetUrl;

/**
 * A target URL as the cache sees it: the Host header (host, and port when given) and the raw path and query. Raw,
 * that is still percent-encoded, because that is how the cache stored the object's URL. Parsed by {@link TargetUrl},
 * as intake validated it, so that what intake accepts the agent can act on.
 */
record CacheTarget(String host, String path, String pathAndQuery) {

    static CacheTarget parse(String url) {
        TargetUrl t = TargetUrl.parse(url);
        return new CacheTarget(t.hostHeader(), t.rawPath(), t.pathAndQuery());
    }
}
