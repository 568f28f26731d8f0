package io.purgeline.runtime;

import java.time.Duration;
import java.util.List;
import redis.clients.jedis.RedisClient;

/**
 * A Redis lease: at most one holder at a time, lost by a holder that stops renewing it within its time to live.
 * Each acquisition takes a fencing token from a counter that only grows, so a holder that was paused past its TTL can
 * tell (with {@link #isHeld}) that someone else has held it since, before it acts. Acquire, renew and release are
 * single Lua scripts: check-and-set in one round trip, no window between the check and the write.
 */
public final class Lease {
    private static final String ACQUIRE = """
            local v = redis.call('GET', KEYS[1])
            if not v then
              local t = redis.call('INCR', KEYS[2])
              redis.call('SET', KEYS[1], ARGV[1] .. '|' .. t, 'NX', 'PX', ARGV[2])
              return t
            end
            local sep = string.find(v, '|', 1, true)
            if sep and string.sub(v, 1, sep - 1) == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return tonumber(string.sub(v, sep + 1))
            end
            return -1
            """;
    private static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """;
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;

    private final RedisClient redis;
    private final String key;
    private final String fenceKey;
    private final String owner;
    private final Duration ttl;
    private volatile long token = -1;

    /**
     * @param owner unique per process and lease user (for example {@code saver-worker/<uuid>}); must not contain '|'
     * @param ttl how long the lease outlives its holder's last renewal: the failover time after a crash
     */
    public Lease(RedisClient redis, RedisKeys keys, String name, String owner, Duration ttl) {
        if (owner.contains("|")) {
            throw new IllegalArgumentException("lease owner must not contain '|': " + owner);
        }
        this.redis = redis;
        this.key = keys.lease(name);
        this.fenceKey = keys.fence(name);
        this.owner = owner;
        this.ttl = ttl;
    }

    /** Takes the lease if free, or extends it if this owner holds it. Returns whether this owner holds it now. */
    public boolean acquire() {
        Object t = redis.eval(ACQUIRE, List.of(key, fenceKey), List.of(owner, Long.toString(ttl.toMillis())));
        token = ((Long) t);
        return token >= 0;
    }

    /** Extends the lease only if this owner still holds this very acquisition; false means it was lost. */
    public boolean renew() {
        if (token < 0) {
            return false;
        }
        boolean held = ((Long) redis.eval(RENEW, List.of(key), List.of(value(), Long.toString(ttl.toMillis())))) == 1;
        if (!held) {
            token = -1;
        }
        return held;
    }

    /** The fencing check: true only if this acquisition is still the current one. One round trip. */
    public boolean isHeld() {
        return token >= 0 && value().equals(redis.get(key));
    }

    /** Lets go of the lease if this owner still holds it, so a successor need not wait for the TTL. */
    public void release() {
        if (token >= 0) {
            redis.eval(RELEASE, List.of(key), List.of(value()));
            token = -1;
        }
    }

    /** The fencing token of the current acquisition, or -1 when not held. */
    public long token() {
        return token;
    }

    private String value() {
        return owner + "|" + token;
    }
}
