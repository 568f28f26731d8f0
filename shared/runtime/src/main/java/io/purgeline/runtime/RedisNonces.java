package io.purgeline.runtime;

import io.purgeline.service.HttpError;
import io.purgeline.service.NonceStore;
import java.time.Duration;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Used signature tokens in Redis, shared by every instance of a worker: a request replayed to another instance is
 * refused too. Each token expires with its window, so the keys held are bounded by the request rate times the window.
 */
public final class RedisNonces implements NonceStore {
    private final RedisClient redis;
    private final RedisKeys keys;

    public RedisNonces(RedisClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public boolean claim(String token, Duration ttl) {
        try {
            return "OK".equals(redis.set(keys.usedToken(token), "1", SetParams.setParams().nx().px(ttl.toMillis())));
        } catch (JedisException e) {
            throw new HttpError(503, "unavailable", "the request's signature could not be checked for replay, Redis"
                    + " is unreachable (" + e.getMessage() + "); send it again");
        }
    }

    @Override
    public void release(String token) {
        redis.del(keys.usedToken(token));
    }
}
