package io.purgeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Which failures are an outage (retried as long as it lasts) and which may be the message's own (counted). */
class FailuresTest {
    @Test
    void outagesAreTransientWhereverTheyAreWrapped() {
        assertThat(Failures.isTransient(new BrokerException("not confirmed", null))).isTrue();
        assertThat(Failures.isTransient(new RuntimeException(new JedisConnectionException("refused")))).isTrue();
        assertThat(Failures.isTransient(new IllegalStateException("pool",
                new SQLTransientConnectionException("Connection is not available, request timed out")))).isTrue();
        assertThat(Failures.isTransient(new RuntimeException(new SQLException("Connection reset", "08S01"))))
                .isTrue();
        assertThat(Failures.isTransient(new SQLException("Deadlock found", "40001", 1213))).isTrue();
        assertThat(Failures.isTransient(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isTrue();
    }

    @Test
    void whatAMessageCanCauseIsNot() {
        assertThat(Failures.isTransient(new RuntimeException(
                new SQLDataException("Data too long for column 'options' at row 1", "22001", 1406)))).isFalse();
        assertThat(Failures.isTransient(new SQLIntegrityConstraintViolationException("Duplicate", "23000", 1062)))
                .isFalse();
        assertThat(Failures.isTransient(new IllegalArgumentException("bad value"))).isFalse();
        assertThat(Failures.isTransient(new NullPointerException())).isFalse();
    }
}
