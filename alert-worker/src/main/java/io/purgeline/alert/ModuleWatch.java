package io.purgeline.alert;

import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.RedisClient;

/**
 * Alerts when a worker type has no live instance ({@code module_down}, critical) and when one is back
 * ({@code module_up}). Every worker beats {@link ModuleHeartbeat}; a type is missed once it has beaten at least once
 * ({@code {ns}:modules:known}) and none of its instances beat within {@link ModuleHeartbeat#ALIVE_WITHIN}, which
 * includes its last instance stopping gracefully. The down mark is a Redis hash set with HSETNX, so each change is
 * alerted once even across a failover of this singleton. Beats of instances silent for an hour (crashed, replaced)
 * are removed, so the status page lists what runs. The watch's own type is never judged: it runs, and its restart
 * (the last instance stopping, a new one starting) is not an outage to report.
 */
final class ModuleWatch implements Singleton.Job {
    static final String DOWN = "module_down";
    static final String UP = "module_up";
    static final Duration FORGET_INSTANCE = Duration.ofHours(1);

    private final RedisClient redis;
    private final RedisKeys keys;
    private final Alerts alerts;
    private final Clock clock;
    private final String self;

    ModuleWatch(RedisClient redis, RedisKeys keys, Alerts alerts, Clock clock, String self) {
        this.redis = redis;
        this.keys = keys;
        this.alerts = alerts;
        this.clock = clock;
        this.self = self;
    }

    @Override
    public void run(Lease lease) {
        long now = clock.millis();
        List<ModuleHeartbeat.Beat> beats = ModuleHeartbeat.all(redis, keys);
        Map<String, ModuleHeartbeat.Beat> newest = new HashMap<>();
        for (ModuleHeartbeat.Beat b : beats) {
            newest.merge(b.module(), b, (x, y) -> x.atMillis() >= y.atMillis() ? x : y);
            if (now - b.atMillis() > FORGET_INSTANCE.toMillis()) {
                redis.hdel(keys.moduleHeartbeats(), b.module() + "/" + b.instance());
            }
        }
        if (!newest.isEmpty()) {
            redis.sadd(keys.modulesKnown(), newest.keySet().toArray(String[]::new));
        }
        Set<String> down = new HashSet<>(redis.hkeys(keys.modulesDown()));
        for (String module : redis.smembers(keys.modulesKnown())) {
            if (module.equals(self)) {
                continue;
            }
            ModuleHeartbeat.Beat last = newest.get(module);
            boolean alive = last != null && now - last.atMillis() <= ModuleHeartbeat.ALIVE_WITHIN.toMillis();
            if (!alive && !down.contains(module) && lease.isHeld()
                    && redis.hsetnx(keys.modulesDown(), module, Long.toString(now)) == 1) {
                alerts.raise(Alert.CRITICAL, DOWN, "no live " + module + ": "
                        + (last == null ? "its last instance stopped" : "last heartbeat "
                                + Duration.ofMillis(now - last.atMillis()).toSeconds() + " s ago from "
                                + last.instance()), null, null, Map.of(AlertKey.SUBJECT_DETAIL, module));
            } else if (alive && down.contains(module) && lease.isHeld()) {
                String since = redis.hget(keys.modulesDown(), module);
                if (redis.hdel(keys.modulesDown(), module) == 1) {
                    alerts.raise(Alert.INFO, UP, module + " is running again (" + last.instance() + ")"
                            + (since == null ? "" : " after " + Duration.ofMillis(now - Long.parseLong(since))
                                    .toSeconds() + " s without one"), null, null,
                            Map.of(AlertKey.SUBJECT_DETAIL, module));
                }
            }
        }
    }
}
