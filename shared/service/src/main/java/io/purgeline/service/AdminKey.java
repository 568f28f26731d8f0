package io.purgeline.service;

import java.util.List;

/**
 * The operators' key: administration requests (nodes, customers, dead letters) are signed like any other (API.md
 * §5) with access key {@value #ACCESS_KEY} and this secret.
 *
 * @param secret {@code PURGELINE_ADMIN_KEY}
 */
public record AdminKey(String secret) {
    public static final String ACCESS_KEY = "admin";
    public static final String VARIABLE = "PURGELINE_ADMIN_KEY";
    /** Published with the code: accepted only with {@code PURGELINE_DEV=true}. */
    public static final String DEV_SECRET = "purgeline-dev-admin-key";

    public static AdminKey from(Env env) {
        return new AdminKey(new Secrets(env).get(VARIABLE, DEV_SECRET));
    }

    /** The admin secret for access key {@value #ACCESS_KEY}, nothing for any other. */
    public List<String> secretsOf(String accessKey) {
        return ACCESS_KEY.equals(accessKey) ? List.of(secret) : List.of();
    }

    /** {@code route}, answered only for a request signed with the admin key (401 unsigned, 403 another key). */
    public static Route only(RequestVerifier verifier, Refusals refusals, Route route) {
        return call -> {
            require(verifier, refusals, call);
            return route.handle(call);
        };
    }

    /** Verifies the request and refuses it (403) unless the admin key signed it. */
    public static void require(RequestVerifier verifier, Refusals refusals, HttpCall call) {
        if (!ACCESS_KEY.equals(verifier.verify(call).accessKey())) {
            throw refusals.refuse(403, "admin_only", call.method() + " " + call.pathAndQuery().split("\\?")[0]
                    + " is for operators: sign it with the admin key (access key '" + ACCESS_KEY + "')");
        }
    }
}
