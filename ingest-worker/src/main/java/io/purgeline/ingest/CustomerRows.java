package io.purgeline.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code customers}, {@code customer_keys} and {@code customer_domains} tables. */
@RegisterConstructorMapper(CustomerRows.Row.class)
@RegisterConstructorMapper(CustomerRows.Key.class)
@RegisterConstructorMapper(CustomerRows.Active.class)
public interface CustomerRows {
    /** One customer row. */
    record Row(String apiId, String name, String state) {}

    /** One key as listed: never its secret. */
    record Key(String accessKey, String state, Instant createdAt) {}

    /** An active key of an active customer, with its sealed secret. */
    record Active(String apiId, byte[] secretSealed) {}

    @SqlUpdate("""
            INSERT IGNORE INTO customers (api_id, name, state, created_at, updated_at)
            VALUES (:apiId, :name, 'active', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))""")
    int insert(@Bind("apiId") String apiId, @Bind("name") String name);

    @SqlQuery("SELECT api_id, name, state FROM customers ORDER BY api_id")
    List<Row> all();

    @SqlQuery("SELECT api_id, name, state FROM customers WHERE api_id = :apiId")
    Optional<Row> byId(@Bind("apiId") String apiId);

    @SqlUpdate("UPDATE customers SET state = :state, updated_at = UTC_TIMESTAMP(3) WHERE api_id = :apiId")
    int setState(@Bind("apiId") String apiId, @Bind("state") String state);

    @SqlUpdate("""
            INSERT INTO customer_keys (access_key, api_id, secret_sealed, state, created_at)
            VALUES (:accessKey, :apiId, :sealed, 'active', UTC_TIMESTAMP(3))""")
    void insertKey(@Bind("accessKey") String accessKey, @Bind("apiId") String apiId, @Bind("sealed") byte[] sealed);

    @SqlQuery("""
            SELECT access_key, state, created_at FROM customer_keys WHERE api_id = :apiId
            ORDER BY created_at, access_key""")
    List<Key> keys(@Bind("apiId") String apiId);

    @SqlUpdate("""
            UPDATE customer_keys SET state = 'revoked', revoked_at = UTC_TIMESTAMP(3)
            WHERE api_id = :apiId AND access_key = :accessKey AND state = 'active'""")
    int revokeKey(@Bind("apiId") String apiId, @Bind("accessKey") String accessKey);

    @SqlQuery("""
            SELECT k.api_id, k.secret_sealed FROM customer_keys k JOIN customers c ON c.api_id = k.api_id
            WHERE k.access_key = :accessKey AND k.state = 'active' AND c.state = 'active'""")
    Optional<Active> activeKey(@Bind("accessKey") String accessKey);

    @SqlUpdate("""
            INSERT IGNORE INTO customer_domains (api_id, domain, created_at)
            VALUES (:apiId, :domain, UTC_TIMESTAMP(3))""")
    int addDomain(@Bind("apiId") String apiId, @Bind("domain") String domain);

    @SqlUpdate("DELETE FROM customer_domains WHERE api_id = :apiId AND domain = :domain")
    int removeDomain(@Bind("apiId") String apiId, @Bind("domain") String domain);

    @SqlQuery("SELECT domain FROM customer_domains WHERE api_id = :apiId ORDER BY domain")
    List<String> domains(@Bind("apiId") String apiId);
}
