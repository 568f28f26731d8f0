package io.purgeline.runtime;

import io.purgeline.contracts.Codec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Puts a returned node's parked work back on its lanes: republishes its replaying list in batches, confirmed, and
 * trims each batch from the list only after the broker confirmed it. A crash in between leaves the list for the next
 * replay (the catch-up); the deliveries are then sent twice, which agents and savers shrug off, but never lost.
 *
 * <p>One replayer per node at a time, under a short lease: trimming "the first n entries" is only right for the one
 * who read them. A replayer that finds the lease taken leaves the list to its holder, or to the catch-up if the
 * holder read it before more was appended.
 */
public final class ParkedWorkReplayer {
    private static final Logger log = LoggerFactory.getLogger(ParkedWorkReplayer.class);
    /** Deliveries per confirmed publish: one confirm wait (~7 ms) per 500 messages, not per message. */
    static final int BATCH = 500;
    /** Far longer than a batch takes (publish confirms time out after 10 s): it only matters when a replayer died. */
    private static final Duration LEASE_TTL = Duration.ofSeconds(30);

    private final RedisClient redis;
    private final RedisKeys keys;
    private final OfflineNodes offline;
    private final Publisher publisher;
    private final Topology topology;
    private final DeadLetters dead;
    private final Codec codec;
    private final String owner;

    /** @param owner unique per process (it names the lease holder); must not contain '|' */
    public ParkedWorkReplayer(RedisClient redis, RedisKeys keys, OfflineNodes offline, Publisher publisher,
            Topology topology, DeadLetters dead, Codec codec, String owner) {
        this.redis = redis;
        this.keys = keys;
        this.offline = offline;
        this.publisher = publisher;
        this.topology = topology;
        this.dead = dead;
        this.codec = codec;
        this.owner = owner;
    }

    /**
     * Republishes the node's replaying list. Returns how many deliveries this call republished, or -1 if another
     * replayer holds the node. Throws if Redis or the broker fails; what was not trimmed stays for the next try.
     */
    public int replay(String nodeId) {
        Lease lease = new Lease(redis, keys, "replay:" + nodeId, owner, LEASE_TTL);
        if (!lease.acquire()) {
            return -1;
        }
        int total = 0;
        try {
            while (true) {
                List<String> batch = offline.replaying(nodeId, BATCH);
                if (batch.isEmpty()) {
                    offline.replayed(nodeId, 0); // forgets the node in the replaying set if it lingered there
                    break;
                }
                publish(nodeId, batch);
                // The fencing check: a replayer that lost its lease must not trim what the new holder counts from.
                if (!lease.renew()) {
                    log.warn("replay of node {} lost its lease after {} deliveries; the new holder republishes the rest",
                            nodeId, total);
                    return total;
                }
                offline.replayed(nodeId, batch.size());
                total += batch.size();
            }
        } finally {
            lease.release();
        }
        if (total > 0) {
            log.info("node {}: {} parked deliveries put back on their lanes", nodeId, total);
        }
        return total;
    }

    private void publish(String nodeId, List<String> batch) {
        List<Outgoing> out = new ArrayList<>(batch.size());
        for (String json : batch) {
            try {
                out.add(StoredDeliveries.toLane(topology, StoredDeliveries.decode(codec, json)));
            } catch (PoisonMessageException e) {
                StoredDeliveries.deadLetter(dead, keys.replaying(nodeId), json, e.getMessage());
            }
        }
        publisher.publish(out);
    }
}
