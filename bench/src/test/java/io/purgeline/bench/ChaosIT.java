package io.purgeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.bench.chaos.ChaosConfig;
import io.purgeline.bench.chaos.ChaosReport;
import io.purgeline.bench.chaos.ChaosRun;
import io.purgeline.testkit.TestNamespace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The short form of {@code bin/purgeline chaos}: SIGKILLs and restarts of every worker type, RabbitMQ and Redis
 * restarts and nodes going offline, under load over a simulated fleet of 50 nodes. Nothing may be lost.
 */
class ChaosIT {
    @RegisterExtension
    static final TestNamespace ns = withChaosSettings(new TestNamespace());

    private static TestNamespace withChaosSettings(TestNamespace ns) {
        ChaosRun.workerSettings().forEach(ns::with);
        return ns;
    }

    @Test
    void underKillsRestartsAndOfflineNodesEveryAcceptedTaskEndsFinalWithExactCounts() throws Exception {
        ChaosReport report = ChaosRun.run(LocalStack.home(), ns, ChaosConfig.ci(),
                Path.of("target", "chaos-logs", ns.config().namespace()), System.out);
        System.out.println(report.summary());

        assertThat(report.problems()).isEmpty();
        assertThat(report.lost()).isZero();
        assertThat(report.tasks()).isGreaterThan(50);
        assertThat(report.subtasks()).isEqualTo(report.tasks() * 50);
        assertThat(report.kills()).isGreaterThanOrEqualTo(10);
        assertThat(report.restarts()).isGreaterThanOrEqualTo(2);
    }
}
