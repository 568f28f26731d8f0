package io.purgeline.cli;

import io.purgeline.contracts.Node;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "nodes", mixinStandardHelpOptions = true, description = "The cache nodes purgeline sends work to.",
        subcommands = {NodesCommand.ListNodes.class, NodesCommand.Add.class, NodesCommand.Drain.class,
                NodesCommand.Remove.class})
final class NodesCommand {
    /** Body of {@code GET /v1/nodes}. */
    record NodeList(List<Node> nodes) {}

    /** What {@code POST /v1/nodes} takes. */
    record Registration(String nodeId, String address, Integer tier, String region) {}

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every registered node.")
    static final class ListNodes extends ApiCommand {
        @Override
        public Integer call() {
            ApiClient.Reply reply = common.ingestAsAdmin().get("/v1/nodes");
            if (common.json) {
                common.printRaw(reply.body());
                return ExitCodes.OK;
            }
            List<Node> nodes = reply.as(NodeList.class).nodes();
            if (nodes.isEmpty()) {
                common.println("no nodes registered; add one with: purgeline nodes add ID HOST:PORT");
                return ExitCodes.OK;
            }
            common.println(String.format("%-24s %-30s %-5s %-16s %s", "NODE_ID", "ADDRESS", "TIER", "REGION", "STATE"));
            for (Node n : nodes) {
                common.println(String.format("%-24s %-30s %-5d %-16s %s", n.nodeId(), n.address(), n.tier(),
                        n.region(), n.state()));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Register a node, or update it; a drained node registered again is back online.")
    static final class Add extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NODE_ID")
        String nodeId;

        @Parameters(index = "1", paramLabel = "HOST:PORT", description = "the node's agent")
        String address;

        @Option(names = "--tier", description = "1 = parent/shield, 2 = edge (default)")
        Integer tier;

        @Option(names = "--region", description = "default: default")
        String region;

        @Override
        public Integer call() {
            Node node = common.ingestAsAdmin().post("/v1/nodes", new Registration(nodeId, address, tier, region))
                    .as(Node.class);
            if (common.json) {
                common.printJson(node);
            } else {
                common.println("registered " + node.nodeId() + " at " + node.address() + " (tier " + node.tier()
                        + ", region " + node.region() + "), " + node.state());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Give a node no new work (tasks accepted from now on leave it out); `nodes add` undoes it.")
    static final class Drain extends ApiCommand {
        @Parameters(paramLabel = "NODE_ID")
        String nodeId;

        @Override
        public Integer call() {
            Node node = common.ingestAsAdmin().post("/v1/nodes/" + Paths.segment(nodeId) + "/drain", null).as(Node.class);
            if (common.json) {
                common.printJson(node);
            } else {
                common.println("drained " + node.nodeId() + ": no new work goes to it; work already planned still does");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true, description = "Unregister a node.")
    static final class Remove extends ApiCommand {
        @Parameters(paramLabel = "NODE_ID")
        String nodeId;

        @Override
        public Integer call() {
            common.ingestAsAdmin().delete("/v1/nodes/" + Paths.segment(nodeId));
            if (common.json) {
                common.printJson(new Removed(nodeId));
            } else {
                common.println("removed " + nodeId);
            }
            return ExitCodes.OK;
        }

        record Removed(String removed) {}
    }
}
