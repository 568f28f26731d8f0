package io.purgeline.ingest;

import io.purgeline.service.AdminKey;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.Route;

/** Who signed a request to ingest's API, and what they may do: operators administer, customers submit and read. */
public final class ApiAuth {
    private final RequestVerifier verifier;
    private final Refusals refusals;

    public ApiAuth(RequestVerifier verifier, Refusals refusals) {
        this.verifier = verifier;
        this.refusals = refusals;
    }

    /** {@code route}, for requests signed with the admin key only. */
    public Route admin(Route route) {
        return AdminKey.only(verifier, refusals, route);
    }
}
