package io.purgeline.bench.fleet;

import io.purgeline.service.Env;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a simulated fleet by hand: {@code java -cp bench/target/bench.jar io.purgeline.bench.fleet.FleetMain --nodes
 * 300 --callback http://127.0.0.1:8081}. Prints the control URL and one {@code node_id<TAB>host:port} line per node
 * (to register them with ingest), then what the fleet costs. Reads {@code offline <node_id>}, {@code online
 * <node_id>} and {@code stats} from standard input; Ctrl-C stops it.
 *
 * <p>Options override the environment of {@link FleetConfig#from}: {@code --nodes}, {@code --prefix},
 * {@code --first-block}, {@code --port}, {@code --callback}, {@code --latency-ms}, {@code --failure-rate},
 * {@code --heartbeat-ms}, {@code --threads}.
 */
public final class FleetMain {
    private static final Map<String, String> OPTIONS = Map.of(
            "--nodes", "PURGELINE_FLEET_NODES",
            "--prefix", "PURGELINE_FLEET_ID_PREFIX",
            "--first-block", "PURGELINE_FLEET_FIRST_BLOCK",
            "--port", "PURGELINE_FLEET_PORT",
            "--callback", "PURGELINE_HEARTBEAT_URL",
            "--latency-ms", "PURGELINE_FLEET_LATENCY_MS",
            "--failure-rate", "PURGELINE_FLEET_FAILURE_RATE",
            "--heartbeat-ms", "PURGELINE_HEARTBEAT_INTERVAL_MS",
            "--threads", "PURGELINE_FLEET_THREADS");

    private FleetMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("PURGELINE_WORKER", Fleet.NAME);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(options(args));
        FleetConfig config = FleetConfig.from(new Env(env));
        Footprint before = Footprint.measure();
        Fleet fleet = Fleet.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(fleet::close, "fleet-shutdown"));

        System.out.printf("fleet of %d simulated nodes; control %s; heartbeats to %s; latency %d ms; failure rate %s%n",
                config.nodes(), fleet.controlUrl(), config.callbackBase() == null ? "nobody" : config.callbackBase(),
                config.latency().toMillis(), config.failureRate());
        for (FleetNode node : fleet.nodes()) {
            System.out.println(node.nodeId() + "\t" + node.address());
        }
        Footprint after = Footprint.measure();
        System.out.printf("footprint: %s (the fleet added %d threads and %d MB); commands: offline|online <node_id>,"
                        + " stats%n", after, after.threads() - before.threads(),
                after.heapUsedMb() - before.heapUsedMb());
        commands(fleet);
        // Standard input closed (run in the background): serve until stopped.
        new CountDownLatch(1).await();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = OPTIONS.get(args[i]);
            if (name == null || i + 1 == args.length) {
                throw new IllegalArgumentException((name == null ? "unknown option " : "no value for ") + args[i]
                        + "; options: " + String.join(" ", OPTIONS.keySet().stream().sorted().toList())
                        + " (each takes a value)");
            }
            env.put(name, args[++i]);
        }
        return env;
    }

    private static void commands(Fleet fleet) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            try {
                switch (words[0]) {
                    case "offline", "online" -> {
                        if (words.length != 2) {
                            throw new IllegalArgumentException(words[0] + " needs a node id");
                        }
                        fleet.setOffline(words[1], words[0].equals("offline"));
                        System.out.println(words[1] + " is " + words[0]);
                    }
                    case "stats" -> System.out.printf("%d executions, %d duplicates suppressed, %s%n",
                            fleet.executions().size(), fleet.duplicatesSuppressed(), Footprint.measure());
                    case "" -> { }
                    default -> throw new IllegalArgumentException("unknown command '" + words[0]
                            + "'; commands: offline <node_id>, online <node_id>, stats");
                }
            } catch (IllegalArgumentException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
