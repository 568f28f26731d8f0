package io.purgeline.cli;

import picocli.CommandLine.Command;

@Command(name = "purgeline", mixinStandardHelpOptions = true, version = "purgeline 0.1.0",
        description = "Purge and prefetch across a CDN's caches: submit and follow tasks, manage nodes and dead "
                + "letters, read alerts and the workers' stats, run purgeline on this machine.",
        subcommands = {SubmitCommand.class, StatusCommand.class, TasksCommand.class, NodesCommand.class, CustomersCommand.class,
                DeadCommand.class, AlertsCommand.class, StatsCommand.class, UpCommand.class, BenchCommands.Demo.class,
                BenchCommands.Chaos.class, BenchCommands.Bench.class},
        footer = {"", "Exit codes: 0 done (with --wait: the task completed), 1 task failed or expired, 2 bad input,%n"
                + "3 not found, 4 nothing running at the worker's address, 5 worker error, 6 --wait timed out."})
public final class PurgelineCommand {
}
