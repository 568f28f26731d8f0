package io.purgeline.runtime;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The durable record: creates the namespace's database if needed, migrates it with Flyway (the migrations in
 * {@code db/migration} are the schema), and pools connections with HikariCP behind JDBI. Every connection reads
 * committed rows (READ COMMITTED).
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private Database(HikariDataSource pool) {
        this.pool = pool;
        this.jdbi = Jdbi.create(pool).installPlugin(new SqlObjectPlugin());
    }

    /** Connects and migrates. Safe to call from several workers at once: Flyway serialises migrations with a lock. */
    public static Database connect(PurgelineConfig.Db db, int poolSize) {
        createIfAbsent(db);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(db.jdbcUrl());
        hc.setUsername(db.user());
        hc.setPassword(db.password());
        hc.setMaximumPoolSize(poolSize);
        hc.setMinimumIdle(1);
        // Set once per connection. A transaction that asked for it instead paid two statements, one to set it and
        // one to restore MariaDB's REPEATABLE READ; the saver's recounts need committed rows, and nothing here relies
        // on a repeatable snapshot (a read that a write depends on locks its rows, FOR UPDATE, or a unique key decides).
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        hc.setPoolName("purgeline-db");
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool);
    }

    private static void createIfAbsent(PurgelineConfig.Db db) {
        String url = "jdbc:mariadb://" + db.host() + ":" + db.port() + "/";
        try (Connection c = DriverManager.getConnection(url, db.user(), db.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + db.database() + "` CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach MariaDB at " + db.host() + ":" + db.port()
                    + " to create database " + db.database() + ": " + e.getMessage(), e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isConnected() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
