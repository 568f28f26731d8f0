package io.purgeline.ingest;

import static io.purgeline.ingest.Identifiers.quote;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The customers: who may submit tasks, with which access keys, for which domains. Ingest is the only writer of their
 * tables. Secrets are sealed at rest ({@link SecretBox}), shown once when a key is made, and never logged.
 *
 * <p>What every request needs (a key's secret, a customer's domains) is cached for {@link #CACHE_TTL}: a change made
 * through this instance is seen at once, one made through another ingest instance within that time.
 */
public final class Customers {
    public static final String ACTIVE = "active";
    public static final String DISABLED = "disabled";
    /** Revocation reaches other ingest instances within this; a request costs no query meanwhile. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(5);

    /** A customer as the admin API shows it: never a secret. */
    public record Customer(String apiId, String name, String state, List<String> domains,
            List<CustomerRows.Key> keys) {}

    /** A key just made: the only time its secret is shown. */
    public record NewKey(String apiId, String accessKey, String secret) {}

    /** What signing and intake need of a customer. */
    public record Standing(String apiId, boolean active, List<String> domains) {}

    private record Cached<T>(T value, long expiresAtNanos) {}

    private static final HexFormat HEX = HexFormat.of();

    private final CustomerRows rows;
    private final SecretBox box;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Cached<Optional<KeyOwner>>> keys = new ConcurrentHashMap<>();
    private final Map<String, Cached<Optional<Standing>>> standings = new ConcurrentHashMap<>();

    private record KeyOwner(String apiId, String secret) {}

    /** @param masterKey {@code PURGELINE_CUSTOMER_MASTER_KEY}, which seals the secrets */
    public Customers(Jdbi jdbi, String masterKey) {
        this.rows = Objects.requireNonNull(jdbi, "null jdbi").onDemand(CustomerRows.class);
        this.box = new SecretBox(Objects.requireNonNull(masterKey, "null master key"));
    }

    /** Creates a customer with its domains; {@link InvalidInputException} for bad input, empty if the id is taken. */
    public Optional<Customer> create(String apiId, String name, List<String> domains) {
        checkApiId(apiId);
        if (name == null || name.isBlank() || name.length() > 255) {
            throw new InvalidInputException("name is required (1 to 255 characters)");
        }
        List<String> normalised = domains == null ? List.of()
                : domains.stream().map(CustomerDomains::normalise).distinct().toList();
        if (rows.insert(apiId, name.trim()) == 0) {
            return Optional.empty();
        }
        normalised.forEach(d -> rows.addDomain(apiId, d));
        forget();
        return get(apiId);
    }

    public List<Customer> list() {
        return rows.all().stream().map(this::describe).toList();
    }

    public Optional<Customer> get(String apiId) {
        return rows.byId(apiId).map(this::describe);
    }

    /** Disables or enables a customer: a disabled one's keys are refused and its submissions rejected. */
    public Optional<Customer> setState(String apiId, String state) {
        if (rows.setState(apiId, state) == 0) {
            return Optional.empty();
        }
        forget();
        return get(apiId);
    }

    /** Makes a new access key for the customer; its secret is in the answer and nowhere else in the clear. */
    public Optional<NewKey> addKey(String apiId) {
        if (rows.byId(apiId).isEmpty()) {
            return Optional.empty();
        }
        String accessKey = "ak-" + randomHex(8);
        String secret = randomHex(32);
        rows.insertKey(accessKey, apiId, box.seal(accessKey, secret));
        return Optional.of(new NewKey(apiId, accessKey, secret));
    }

    /** @return whether an active key of this customer was revoked */
    public boolean revokeKey(String apiId, String accessKey) {
        boolean revoked = rows.revokeKey(apiId, accessKey) > 0;
        forget();
        return revoked;
    }

    /** @return the customer, or empty if unknown */
    public Optional<Customer> addDomain(String apiId, String domain) {
        String d = CustomerDomains.normalise(domain);
        if (rows.byId(apiId).isEmpty()) {
            return Optional.empty();
        }
        rows.addDomain(apiId, d);
        forget();
        return get(apiId);
    }

    /** @return whether the customer had that domain */
    public boolean removeDomain(String apiId, String domain) {
        boolean removed = rows.removeDomain(apiId, domain.trim().toLowerCase(java.util.Locale.ROOT)) > 0;
        forget();
        return removed;
    }

    /** The secret of an active key of an active customer, as {@link io.purgeline.service.RequestVerifier} asks. */
    public List<String> secretsOf(String accessKey) {
        return owner(accessKey).map(o -> List.of(o.secret())).orElse(List.of());
    }

    /** The customer an active access key belongs to. */
    public Optional<String> customerOf(String accessKey) {
        return owner(accessKey).map(KeyOwner::apiId);
    }

    /** What intake checks a submission against: known, active, and its domains. */
    public Optional<Standing> standing(String apiId) {
        return cached(standings, apiId, () -> rows.byId(apiId).map(r -> new Standing(r.apiId(),
                ACTIVE.equals(r.state()), rows.domains(apiId))));
    }

    private Optional<KeyOwner> owner(String accessKey) {
        if (accessKey == null || !accessKey.startsWith("ak-")) {
            return Optional.empty();
        }
        return cached(keys, accessKey, () -> rows.activeKey(accessKey)
                .map(a -> new KeyOwner(a.apiId(), box.open(accessKey, a.secretSealed()))));
    }

    /**
     * The cached value, or one load for all who ask at once: when an entry expires under load, every request thread
     * asking for it had queried MariaDB (and waited for its connections) at the same moment.
     */
    private <T> Optional<T> cached(Map<String, Cached<Optional<T>>> cache, String key,
            java.util.function.Supplier<Optional<T>> load) {
        long now = System.nanoTime();
        Cached<Optional<T>> c = cache.get(key);
        if (c != null && now - c.expiresAtNanos() < 0) {
            return c.value();
        }
        if (cache.size() > 100_000) {
            cache.clear(); // a flood of made-up keys must not grow the heap: each costs a query, then is forgotten
        }
        return cache.compute(key, (k, held) -> held != null && System.nanoTime() - held.expiresAtNanos() < 0 ? held
                : new Cached<>(load.get(), System.nanoTime() + CACHE_TTL.toNanos())).value();
    }

    /** After a change through this instance: the next request reads the tables again. */
    private void forget() {
        keys.clear();
        standings.clear();
    }

    private Customer describe(CustomerRows.Row r) {
        return new Customer(r.apiId(), r.name(), r.state(), rows.domains(r.apiId()), rows.keys(r.apiId()));
    }

    private String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HEX.formatHex(b);
    }

    private static void checkApiId(String apiId) {
        if (apiId == null || !Identifiers.API_ID.matcher(apiId).matches() || apiId.length() > 32) {
            throw new InvalidInputException("api_id " + (apiId == null ? "is required" : quote(apiId) + " is not"
                    + " valid") + ": 1 to 32 of A-Z a-z 0-9 . _ - (task ids are scoped as <api_id>:<task_id>)");
        }
    }
}
