package io.purgeline.runtime;

import io.purgeline.service.HttpError;
import io.purgeline.service.NonceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Used signature tokens in Redis, shared by every instance of a worker: a request replayed to another instance is
 * refused too. Each token expires with its window, so the keys held are bounded by the request rate times the window.
 * Tokens claimed together go in one pipeline: one round trip per claim was a sixth of ingest-worker's processor under
 * many HTTP submissions.
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
            throw unreachable(e);
        }
    }

    @Override
    public List<Boolean> claimAll(List<String> tokens, Duration ttl) {
        if (tokens.isEmpty()) {
            return List.of();
        }
        List<Response<String>> answers = new ArrayList<>(tokens.size());
        try (Pipeline p = redis.pipelined()) {
            SetParams once = SetParams.setParams().nx().px(ttl.toMillis());
            tokens.forEach(token -> answers.add(p.set(keys.usedToken(token), "1", once)));
            p.sync();
        } catch (JedisException e) {
            throw unreachable(e);
        }
        return answers.stream().map(a -> "OK".equals(a.get())).toList();
    }

    @Override
    public void release(String token) {
        redis.del(keys.usedToken(token));
    }

    private static HttpError unreachable(JedisException e) {
        return new HttpError(503, "unavailable", "the request's signature could not be checked for replay, Redis"
                + " is unreachable (" + e.getMessage() + "); send it again");
    }
}
