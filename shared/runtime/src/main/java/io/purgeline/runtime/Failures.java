package io.purgeline.runtime;

import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.TimeoutException;
import org.springframework.amqp.AmqpException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Tells a failure that will go away by itself (a service down or busy: retry as long as it takes) from one that may
 * be the message's own (a value MariaDB refuses, a bug a particular input trips): the latter is retried a bounded
 * number of times and then parked, so that one message can never stop a queue. Anything not known to be transient
 * counts as the message's: a wrongly counted outage costs a replay from the dead-letter queue, a wrongly excused bad
 * message stalls its queue for good.
 */
public final class Failures {
    private Failures() {}

    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientException || t instanceof AmqpException || t instanceof ShutdownSignalException
                    || t instanceof JedisException
                    || t instanceof IOException || t instanceof TimeoutException || t instanceof InterruptedException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && transientState(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes 08 (connection) and 40 (rollback: deadlock, serialization), and MariaDB's lock wait timeout
     * (1205) and read-only or shutting-down server (1290, 1053), which it reports as the generic HY000.
     */
    private static boolean transientState(SQLException e) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("40"))) {
            return true;
        }
        int code = e.getErrorCode();
        return code == 1205 || code == 1290 || code == 1053;
    }
}
