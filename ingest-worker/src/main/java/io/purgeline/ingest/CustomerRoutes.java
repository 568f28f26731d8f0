package io.purgeline.ingest;

import io.purgeline.contracts.Codec;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.WebServer;
import java.util.List;
import java.util.Map;

/**
 * Customers over HTTP, for operators only (admin key): create, list, disable and enable customers, make and revoke
 * their access keys, add and remove their domains (docs/contracts.md).
 */
public final class CustomerRoutes {
    /** Body of {@code POST /v1/customers}. */
    record NewCustomer(String apiId, String name, List<String> domains) {}

    /** Body of {@code POST /v1/customers/{api_id}/domains}. */
    record NewDomain(String domain) {}

    private final Customers customers;
    private final Codec codec;
    private final ApiAuth auth;

    public CustomerRoutes(Customers customers, Codec codec, ApiAuth auth) {
        this.customers = customers;
        this.codec = codec;
        this.auth = auth;
    }

    public WebServer.Builder install(WebServer.Builder http) {
        return http
                .route("POST", "/v1/customers", auth.admin(this::create))
                .route("GET", "/v1/customers", auth.admin(call -> HttpReply.json(200,
                        Map.of("customers", customers.list()))))
                .route("GET", "/v1/customers/{api_id}", auth.admin(call -> HttpReply.json(200,
                        customers.get(call.pathParam("api_id")).orElseThrow(() -> unknown(call)))))
                .route("POST", "/v1/customers/{api_id}/disable", auth.admin(call -> HttpReply.json(200,
                        customers.setState(call.pathParam("api_id"), Customers.DISABLED)
                                .orElseThrow(() -> unknown(call)))))
                .route("POST", "/v1/customers/{api_id}/enable", auth.admin(call -> HttpReply.json(200,
                        customers.setState(call.pathParam("api_id"), Customers.ACTIVE)
                                .orElseThrow(() -> unknown(call)))))
                .route("POST", "/v1/customers/{api_id}/keys", auth.admin(call -> HttpReply.json(201,
                        customers.addKey(call.pathParam("api_id")).orElseThrow(() -> unknown(call)))))
                .route("DELETE", "/v1/customers/{api_id}/keys/{access_key}", auth.admin(this::revokeKey))
                .route("POST", "/v1/customers/{api_id}/domains", auth.admin(this::addDomain))
                .route("DELETE", "/v1/customers/{api_id}/domains/{domain}", auth.admin(this::removeDomain));
    }

    private HttpReply create(HttpCall call) {
        NewCustomer c = call.bodyAs(codec, NewCustomer.class);
        try {
            return customers.create(c.apiId(), c.name(), c.domains())
                    .map(created -> HttpReply.json(201, created))
                    .orElseThrow(() -> new HttpError(409, "duplicate", "customer '" + c.apiId() + "' exists already"));
        } catch (InvalidInputException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private HttpReply revokeKey(HttpCall call) {
        if (!customers.revokeKey(call.pathParam("api_id"), call.pathParam("access_key"))) {
            throw HttpError.notFound("customer '" + call.pathParam("api_id") + "' has no active key '"
                    + call.pathParam("access_key") + "'");
        }
        return HttpReply.noContent();
    }

    private HttpReply addDomain(HttpCall call) {
        NewDomain d = call.bodyAs(codec, NewDomain.class);
        try {
            return HttpReply.json(200, customers.addDomain(call.pathParam("api_id"), d.domain())
                    .orElseThrow(() -> unknown(call)));
        } catch (InvalidInputException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private HttpReply removeDomain(HttpCall call) {
        if (!customers.removeDomain(call.pathParam("api_id"), call.pathParam("domain"))) {
            throw HttpError.notFound("customer '" + call.pathParam("api_id") + "' has no domain '"
                    + call.pathParam("domain") + "'");
        }
        return HttpReply.noContent();
    }

    private static HttpError unknown(HttpCall call) {
        return HttpError.notFound("no customer '" + call.pathParam("api_id") + "'");
    }
}
