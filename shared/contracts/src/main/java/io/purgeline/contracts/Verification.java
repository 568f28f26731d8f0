package io.purgeline.contracts;

/**
 * What the cache served when the agent re-requested a URL after purging it ({@code options.verify}).
 *
 * @param fresh    whether the cache served a copy fetched after the purge: a miss, or a hit whose age is no older
 *                 than the purge
 * @param httpCode the status of the re-request, 0 when it got no answer
 * @param evidence what the cache said that decided {@code fresh}, for example "X-Cache: MISS" or "Age: 412"
 */
public record Verification(boolean fresh, int httpCode, String evidence) {}
