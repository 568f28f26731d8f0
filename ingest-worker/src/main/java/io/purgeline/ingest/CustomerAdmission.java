package io.purgeline.ingest;

import io.purgeline.contracts.TaskSubmission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * What a customer's submission must meet beyond being valid, on every intake path (HTTP and AMQP alike): it names a
 * known, active customer; its task id is scoped to that customer; every URL and directory it targets is on one of
 * the customer's domains ({@link CustomerDomains}).
 *
 * <p>Task ids are scoped: {@code <api_id>:<task_id>}, the id given (or the message id) prefixed unless it already is,
 * a fresh random one when none is given. So one customer can neither take another's id first nor read another's task.
 */
public final class CustomerAdmission {
    /** Bits of a generated task id: unguessable, and short enough to fit the 64 characters with a 32-character api_id. */
    private static final int GENERATED_BYTES = 12;
    private static final HexFormat HEX = HexFormat.of();

    /** A submission refused for want of trust, not for being malformed. */
    public static final class RefusedException extends RuntimeException {
        private final String reason;

        RefusedException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        /** The refusal's code, as counted and as the HTTP error names it. */
        public String reason() {
            return reason;
        }
    }

    private final Customers customers;
    private final SecureRandom random = new SecureRandom();

    public CustomerAdmission(Customers customers) {
        this.customers = customers;
    }

    /**
     * The submission with its task id scoped, before validation; a submission without a usable api_id is left for
     * the validator to reject.
     */
    public TaskSubmission scope(TaskSubmission s) {
        if (s.apiId() == null || !Identifiers.API_ID.matcher(s.apiId()).matches()) {
            return s;
        }
        Optional<Customers.Standing> standing = customers.standing(s.apiId());
        if (standing.isEmpty()) {
            throw new RefusedException("unknown_customer", "api_id '" + s.apiId() + "' is not a customer of this"
                    + " purgeline; an operator creates customers (POST /v1/customers)");
        }
        if (!standing.get().active()) {
            throw new RefusedException("disabled_customer", "customer '" + s.apiId() + "' is disabled");
        }
        String prefix = s.apiId() + ":";
        if (s.taskId() == null) {
            byte[] b = new byte[GENERATED_BYTES];
            random.nextBytes(b);
            return s.withTaskId(prefix + HEX.formatHex(b));
        }
        String scoped = s.taskId().startsWith(prefix) ? s.taskId() : prefix + s.taskId();
        if (scoped.length() > 64) {
            throw new InvalidInputException("task_id " + Identifiers.quote(s.taskId()) + " is too long: scoped to"
                    + " its customer as '" + prefix + "…' it must be at most 64 characters");
        }
        return s.withTaskId(scoped);
    }

    /** Refuses a validated task that targets a host outside its customer's domains. */
    public void checkDomains(ValidTask task) {
        java.util.List<String> domains = customers.standing(task.apiId()).map(Customers.Standing::domains)
                .orElse(java.util.List.of());
        CustomerDomains.firstForeign(task, domains).ifPresent(target -> {
            throw new RefusedException("foreign_domain", "target " + Identifiers.quote(target) + " is outside the"
                    + " domains of customer '" + task.apiId() + "' (" + (domains.isEmpty() ? "none yet"
                    : String.join(", ", domains)) + ")");
        });
    }

    /** Whether a task id belongs to a customer: its scope prefix names it. */
    public static boolean owns(String apiId, String taskId) {
        return taskId.startsWith(apiId + ":");
    }
}
