package io.purgeline.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The customers that may submit tasks, their access keys and their domains (admin API under /v1/customers). */
@Command(name = "customers", mixinStandardHelpOptions = true,
        description = {"Customers, their access keys and the domains they may purge (signed with the admin key).",
                "A key's secret is shown once, when it is made: keep it then."},
        subcommands = {CustomersCommand.ListCustomers.class, CustomersCommand.Show.class, CustomersCommand.Add.class,
                CustomersCommand.Disable.class, CustomersCommand.Enable.class, CustomersCommand.NewKey.class,
                CustomersCommand.RevokeKey.class, CustomersCommand.AddDomain.class,
                CustomersCommand.RemoveDomain.class})
final class CustomersCommand {
    record Key(String accessKey, String state, String createdAt) {}

    record Customer(String apiId, String name, String state, List<String> domains, List<Key> keys) {}

    record CustomerList(List<Customer> customers) {}

    record NewCustomer(String apiId, String name, List<String> domains) {}

    record Domain(String domain) {}

    record MadeKey(String apiId, String accessKey, String secret) {}

    private static String path(String apiId, String... more) {
        StringBuilder p = new StringBuilder("/v1/customers/").append(Paths.segment(apiId));
        for (String m : more) {
            p.append('/').append(m);
        }
        return p.toString();
    }

    private static void show(Common common, Customer c) {
        common.println(c.apiId() + " (" + c.name() + "), " + c.state());
        common.println("  domains: " + (c.domains().isEmpty() ? "none" : String.join(", ", c.domains())));
        for (Key k : c.keys()) {
            common.println("  key " + k.accessKey() + " " + k.state() + ", made " + k.createdAt());
        }
    }

    /** Shows the customer the API answered, as JSON or text. */
    private static int answer(Common common, ApiClient.Reply reply) {
        if (common.json) {
            common.printRaw(reply.body());
        } else {
            show(common, reply.as(Customer.class));
        }
        return ExitCodes.OK;
    }

    /** Deletes through the admin API and says what went, as JSON or text. */
    private static int delete(Common common, String path, Object json, String text) {
        common.ingestAsAdmin().delete(path);
        if (common.json) {
            common.printJson(json);
        } else {
            common.println(text);
        }
        return ExitCodes.OK;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every customer.")
    static final class ListCustomers extends ApiCommand {
        @Override
        public Integer call() {
            ApiClient.Reply reply = common.ingestAsAdmin().get("/v1/customers");
            if (common.json) {
                common.printRaw(reply.body());
                return ExitCodes.OK;
            }
            List<Customer> all = reply.as(CustomerList.class).customers();
            if (all.isEmpty()) {
                common.println("no customers; add one with: purgeline customers add API_ID NAME --domain D");
            }
            all.forEach(c -> show(common, c));
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One customer, its domains and keys.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "API_ID")
        String apiId;

        @Override
        public Integer call() {
            return answer(common, common.ingestAsAdmin().get(path(apiId)));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "A new customer (then: customers key).")
    static final class Add extends ApiCommand {
        @Parameters(index = "0", paramLabel = "API_ID")
        String apiId;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Option(names = "--domain", paramLabel = "DOMAIN",
                description = "a domain it may purge: www.example.com, or *.example.com for every name under it")
        List<String> domains = List.of();

        @Override
        public Integer call() {
            return answer(common, common.ingestAsAdmin().post("/v1/customers", new NewCustomer(apiId, name, domains)));
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Refuse the customer's keys and submissions until enabled again.")
    static final class Disable extends ApiCommand {
        @Parameters(paramLabel = "API_ID")
        String apiId;

        @Override
        public Integer call() {
            return answer(common, common.ingestAsAdmin().post(path(apiId, "disable"), null));
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Take a disabled customer back.")
    static final class Enable extends ApiCommand {
        @Parameters(paramLabel = "API_ID")
        String apiId;

        @Override
        public Integer call() {
            return answer(common, common.ingestAsAdmin().post(path(apiId, "enable"), null));
        }
    }

    @Command(name = "key", mixinStandardHelpOptions = true,
            description = {"Make an access key for the customer and print its secret, the only time it is shown.",
                    "To rotate: make a new key, move the clients to it, then revoke the old one."})
    static final class NewKey extends ApiCommand {
        @Parameters(paramLabel = "API_ID")
        String apiId;

        @Override
        public Integer call() {
            ApiClient.Reply reply = common.ingestAsAdmin().post(path(apiId, "keys"), null);
            if (common.json) {
                common.printRaw(reply.body());
                return ExitCodes.OK;
            }
            MadeKey key = reply.as(MadeKey.class);
            common.println("access key " + key.accessKey() + " for " + key.apiId());
            common.println("secret     " + key.secret() + "   (shown once: keep it now)");
            common.println("sign as it: PURGELINE_ACCESS_KEY=" + key.accessKey() + " PURGELINE_SECRET_KEY=<secret>");
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke one of the customer's keys.")
    static final class RevokeKey extends ApiCommand {
        @Parameters(index = "0", paramLabel = "API_ID")
        String apiId;

        @Parameters(index = "1", paramLabel = "ACCESS_KEY")
        String accessKey;

        @Override
        public Integer call() {
            return delete(common, path(apiId, "keys", Paths.segment(accessKey)), new Revoked(apiId, accessKey),
                    "revoked " + accessKey + " of " + apiId);
        }

        record Revoked(String apiId, String revoked) {}
    }

    @Command(name = "domain", mixinStandardHelpOptions = true, description = "Let the customer purge a domain.")
    static final class AddDomain extends ApiCommand {
        @Parameters(index = "0", paramLabel = "API_ID")
        String apiId;

        @Parameters(index = "1", paramLabel = "DOMAIN", description = "www.example.com, or *.example.com")
        String domain;

        @Override
        public Integer call() {
            return answer(common, common.ingestAsAdmin().post(path(apiId, "domains"), new Domain(domain)));
        }
    }

    @Command(name = "undomain", mixinStandardHelpOptions = true, description = "Take a domain from the customer.")
    static final class RemoveDomain extends ApiCommand {
        @Parameters(index = "0", paramLabel = "API_ID")
        String apiId;

        @Parameters(index = "1", paramLabel = "DOMAIN")
        String domain;

        @Override
        public Integer call() {
            return delete(common, path(apiId, "domains", Paths.segment(domain)), new Removed(apiId, domain),
                    "removed " + domain + " from " + apiId);
        }

        record Removed(String apiId, String removed) {}
    }
}
