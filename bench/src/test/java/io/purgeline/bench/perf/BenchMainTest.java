package io.purgeline.bench.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's command line: what it runs, and what it refuses with a reason instead of a stack trace. */
class BenchMainTest {
    private final BenchOptions defaults = BenchOptions.defaults(Path.of("/opt/purgeline"), Path.of("/tmp/results"));

    @Test
    void scenariosAndOptionsAreReadInAnyOrder() {
        List<String> names = new ArrayList<>();

        BenchOptions o = BenchMain.parse(new String[] {"latency", "--nodes", "50", "intake"}, defaults, names);

        assertThat(names).containsExactly("latency", "intake");
        assertThat(o.nodes()).isEqualTo(50);
    }

    @Test
    void helpIsAnsweredWithTheScenariosAndOptions() {
        assertThat(BenchMain.parse(new String[] {"--help"}, defaults, new ArrayList<>())).isNull();
        assertThat(BenchMain.USAGE).contains("floor latency throughput intake memory growth silent")
                .contains("--intake-seconds S");
    }

    @Test
    void anUnknownScenarioOrOptionOrAMissingValueIsRefusedWithTheReason() {
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"latncy"}, defaults, new ArrayList<>()))
                .hasMessage("unknown scenario 'latncy'; scenarios: floor latency throughput intake memory growth"
                        + " silent");
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"--nodez", "5"}, defaults, new ArrayList<>()))
                .hasMessageStartingWith("unknown option --nodez; options: --home DIR");
        assertThatThrownBy(() -> BenchMain.parse(new String[] {"latency", "--nodes"}, defaults, new ArrayList<>()))
                .hasMessage("no value for --nodes");
    }
}
