package io.purgeline.ingest;

import io.purgeline.contracts.Ids;
import io.purgeline.contracts.TargetUrl;
import static io.purgeline.ingest.Identifiers.quote;

import io.purgeline.contracts.Node;
import io.purgeline.runtime.RegisteredNodes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The cache nodes purgeline sends work to, kept in the {@code nodes} table. Ingest is that table's only writer, and
 * keeps the set of registered ids in Redis beside it ({@link RegisteredNodes}) for callback-worker.
 */
public final class NodeRegistry {
    /** Most caches are edges; parents (tier 1) are the few that are registered deliberately. */
    public static final int DEFAULT_TIER = 2;
    public static final String DEFAULT_REGION = "default";
    public static final String ONLINE = "online";
    /** Kept in the registry but given no new work (the expander plans tasks on online and offline nodes only). */
    public static final String DRAINED = "drained";

    /** Fits {@code nodes.address VARCHAR(255)}. */
    static final int MAX_ADDRESS = 255;

    /**
     * How old the node list that plans a task may be. Reading every node row for every submission cost a query of
     * the whole table per task (1,000 rows at 1,000 nodes); changes made through this instance are seen at once, those
     * made through another ingest instance within this.
     */
    public static final Duration SNAPSHOT_MAX_AGE = Duration.ofSeconds(1);

    private record Snapshot(List<Node> nodes, long readAtNanos) {}

    private final NodeRows rows;
    private final RegisteredNodes registered;
    private volatile Snapshot snapshot;

    public NodeRegistry(Jdbi jdbi, RegisteredNodes registered) {
        this.rows = Objects.requireNonNull(jdbi, "null jdbi").onDemand(NodeRows.class);
        this.registered = Objects.requireNonNull(registered, "null registered");
    }

    /**
     * Adds every node of the table to the Redis set, at start-up: a set lost with Redis's data is rebuilt. Only adds,
     * so a registration made meanwhile by another instance is never taken out.
     */
    public void publishRegistered() {
        registered.addAll(rows.all().stream().map(Node::nodeId).toList());
    }

    /**
     * Registers a node, or updates it if its id is known. Registering puts it (back) online: an operator who
     * re-registers a drained node means to send it work again.
     */
    public Node register(NodeRegistration r) {
        Objects.requireNonNull(r, "null registration");
        if (r.nodeId() == null) {
            throw new InvalidInputException("node_id is required");
        }
        if (!Ids.isNodeId(r.nodeId())) {
            throw new InvalidInputException("node_id " + quote(r.nodeId())
                    + " is not a valid node id (1 to 64 of A-Z a-z 0-9 . _ -)");
        }
        checkAddress(r.address());
        int tier = r.tier() == null ? DEFAULT_TIER : r.tier();
        if (tier < 1 || tier > TaskValidator.MAX_TIER) {
            throw new InvalidInputException("tier must be 1 to " + TaskValidator.MAX_TIER
                    + " (1 = parent/shield, 2 = edge), got " + tier);
        }
        String region = r.region() == null ? DEFAULT_REGION : r.region();
        if (!Identifiers.REGION.matcher(region).matches()) {
            throw new InvalidInputException("region " + quote(region)
                    + " is not a valid region (1 to 64 of A-Z a-z 0-9 . _ -)");
        }
        Node node = new Node(r.nodeId(), r.address(), tier, region, ONLINE);
        rows.upsert(node);
        registered.add(node.nodeId());
        forgetSnapshot();
        return node;
    }

    private static void checkAddress(String address) {
        if (address == null) {
            throw new InvalidInputException("address is required (host:port of the node's agent)");
        }
        if (address.length() > MAX_ADDRESS) {
            throw new InvalidInputException("address is " + address.length() + " characters long, at most "
                    + MAX_ADDRESS + " are allowed");
        }
        // The host syntax of target URLs: one syntax for every host purgeline is given.
        int colon = address.lastIndexOf(':');
        boolean ok = colon > 0 && TargetUrl.HOST.matcher(address.substring(0, colon)).matches()
                && TargetUrl.port(address.substring(colon + 1)) > 0;
        if (!ok) {
            throw new InvalidInputException("address " + quote(address)
                    + " must be host:port, for example edge-7.example.net:8090 or [2001:db8::7]:8090");
        }
    }

    /** Every registered node, ordered by id, as the table holds them now. */
    public List<Node> list() {
        return rows.all();
    }

    /**
     * Called after a write has committed. Under the lock that loads snapshots, so a load that read the table before
     * the write cannot be kept after it.
     */
    private synchronized void forgetSnapshot() {
        snapshot = null;
    }

    /** Every registered node, as read at most {@link #SNAPSHOT_MAX_AGE} ago: what tasks are planned on. */
    public List<Node> snapshot() {
        Snapshot s = snapshot;
        if (s == null || System.nanoTime() - s.readAtNanos() > SNAPSHOT_MAX_AGE.toNanos()) {
            synchronized (this) {
                s = snapshot;
                if (s == null || System.nanoTime() - s.readAtNanos() > SNAPSHOT_MAX_AGE.toNanos()) {
                    long readAt = System.nanoTime();
                    s = new Snapshot(rows.all(), readAt);
                    snapshot = s;
                }
            }
        }
        return s.nodes();
    }

    public Optional<Node> get(String nodeId) {
        return rows.byId(nodeId);
    }

    /**
     * Takes a node out of rotation: tasks accepted from now on leave it out; work already planned for it still goes.
     * Registering it again puts it back online.
     *
     * @return the drained node; empty when it is not registered
     */
    public Optional<Node> drain(String nodeId) {
        boolean known = rows.setState(nodeId, DRAINED) > 0;
        forgetSnapshot();
        return known ? rows.byId(nodeId) : Optional.empty();
    }

    /** @return whether the node was registered */
    public boolean remove(String nodeId) {
        boolean removed = rows.delete(nodeId) > 0;
        registered.remove(nodeId);
        forgetSnapshot();
        return removed;
    }
}
