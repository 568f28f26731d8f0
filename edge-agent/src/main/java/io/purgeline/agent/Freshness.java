package io.purgeline.agent;

import io.purgeline.contracts.Verification;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;

/**
 * Whether what a cache served right after a purge is fresh, read from what the cache says about the answer. The
 * reference configurations of Varnish, nginx and Squid add {@code X-Cache} (Varnish: HIT, MISS, or STALE for a copy
 * served in grace while it is refetched; nginx: {@code $upstream_cache_status}; Squid: "HIT from …" / "MISS from …");
 * Traffic Server, Varnish and Squid date a stored copy with {@code Age}. A miss is fresh. A hit is fresh only when
 * its age is no more than the time since the purge began — a client may have fetched the object again in between —
 * and stale when it is older or cannot be dated.
 */
final class Freshness {
    private Freshness() {}

    static Verification judge(int status, HttpFields headers, long secondsSincePurge) {
        String xCache = headers.get("X-Cache");
        Long age = age(headers.get("Age"));
        String ageText = age == null ? "" : ", Age: " + age;
        if (xCache != null) {
            String word = xCache.trim().split("[\\s,]", 2)[0].toUpperCase(Locale.ROOT);
            switch (word) {
                case "MISS", "EXPIRED", "REVALIDATED", "BYPASS" -> {
                    return new Verification(true, status, "X-Cache: " + xCache);
                }
                case "STALE", "UPDATING" -> {
                    return new Verification(false, status, "X-Cache: " + xCache + ageText + ": served stale");
                }
                default -> {
                    return dated(status, "X-Cache: " + xCache + ageText, age, secondsSincePurge);
                }
            }
        }
        if (age == null) {
            // Traffic Server dates every copy it serves from storage; an answer without Age came from the origin.
            return new Verification(true, status, "no Age: fetched from the origin");
        }
        return dated(status, "Age: " + age, age, secondsSincePurge);
    }

    private static Verification dated(int status, String evidence, Long age, long secondsSincePurge) {
        if (age == null) {
            return new Verification(false, status, evidence + ", without an Age that could date it after the purge");
        }
        if (age <= secondsSincePurge) {
            return new Verification(true, status, evidence + ": stored after the purge");
        }
        return new Verification(false, status, evidence + ": stored before the purge, " + secondsSincePurge
                + " s ago");
    }

    private static Long age(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
