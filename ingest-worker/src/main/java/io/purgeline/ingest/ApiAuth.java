package io.purgeline.ingest;

import io.purgeline.service.AdminKey;
import io.purgeline.service.HttpCall;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * Who signed a request to ingest's API, and what they may do: operators (the admin key) administer nodes and
 * customers; a customer's key submits and reads that customer's tasks.
 */
public final class ApiAuth {
    /** Who a request comes from: a customer, or the operators ({@code apiId} null). */
    public record Caller(String apiId) {
        static final Caller ADMIN = new Caller(null);

        public boolean admin() {
            return apiId == null;
        }
    }

    private final RequestVerifier verifier;
    private final Refusals refusals;
    private final Customers customers;

    public ApiAuth(RequestVerifier verifier, Refusals refusals, Customers customers) {
        this.verifier = verifier;
        this.refusals = refusals;
        this.customers = customers;
    }

    /** The secrets of an access key: the admin key's, or an active customer key's. */
    public static RequestVerifier.Keys keys(AdminKey admin, Customers customers) {
        return accessKey -> {
            List<String> secrets = new ArrayList<>(admin.secretsOf(accessKey));
            secrets.addAll(customers.secretsOf(accessKey));
            return secrets;
        };
    }

    /** {@code route}, for requests signed with the admin key only. */
    public Route admin(Route route) {
        return AdminKey.only(verifier, refusals, route);
    }

    /** A request's caller and its signature, whose token is not claimed yet. */
    public record Signed(Caller caller, RequestVerifier.Verified signature) {}

    /** Verifies the request; throws a 401 {@link io.purgeline.service.HttpError} unless it is signed. */
    public Caller caller(HttpCall call) {
        return callerOf(verifier.verify(call).accessKey());
    }

    /**
     * As {@link #caller}, but leaves the request's token to be claimed later, together with other requests'
     * ({@link RequestVerifier#claimAll}).
     */
    public Signed unclaimed(HttpCall call) {
        RequestVerifier.Verified signature = verifier.signed(call);
        return new Signed(callerOf(signature.accessKey()), signature);
    }

    private Caller callerOf(String accessKey) {
        if (AdminKey.ACCESS_KEY.equals(accessKey)) {
            return Caller.ADMIN;
        }
        return customers.customerOf(accessKey).map(Caller::new).orElseThrow(() -> refusals.refuse(401,
                "unknown_key", "access key '" + accessKey + "' is unknown or revoked"));
    }

    public Refusals refusals() {
        return refusals;
    }
}
