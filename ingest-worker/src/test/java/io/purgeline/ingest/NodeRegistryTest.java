package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purgeline.contracts.Node;
import io.purgeline.testkit.TestNamespace;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeRegistryTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private NodeRegistry registry;

    @BeforeEach
    void emptyRegistry() {
        ns.database().jdbi().useHandle(h -> h.execute("DELETE FROM nodes"));
        registry = new NodeRegistry(ns.database().jdbi(), ns.registeredNodes());
    }

    @Test
    void aRegisteredNodeIsOnlineWithTheDefaultTierAndRegion() {
        Node node = registry.register(new NodeRegistration("edge-1", "10.0.0.1:8090", null, null));

        assertThat(node).isEqualTo(new Node("edge-1", "10.0.0.1:8090", 2, "default", "online"));
        assertThat(registry.get("edge-1")).contains(node);
    }

    @Test
    void registeringAKnownNodeAgainUpdatesItAndPutsItBackOnline() {
        registry.register(new NodeRegistration("edge-1", "10.0.0.1:8090", 2, "eu-west"));
        ns.database().jdbi().useHandle(h -> h.execute("UPDATE nodes SET state = 'drained' WHERE node_id = 'edge-1'"));

        registry.register(new NodeRegistration("edge-1", "edge-1.example.net:9000", 1, "us-east"));

        assertThat(registry.list()).containsExactly(
                new Node("edge-1", "edge-1.example.net:9000", 1, "us-east", "online"));
    }

    @Test
    void theListHoldsEveryNodeOrderedById() {
        registry.register(new NodeRegistration("edge-b", "10.0.0.2:8090", null, null));
        registry.register(new NodeRegistration("edge-a", "[2001:db8::1]:8090", 1, "eu"));

        assertThat(registry.list()).extracting(Node::nodeId).containsExactly("edge-a", "edge-b");
        assertThat(registry.get("edge-a")).get().extracting(Node::address).isEqualTo("[2001:db8::1]:8090");
    }

    @Test
    void aRemovedNodeIsGone() {
        registry.register(new NodeRegistration("edge-1", "10.0.0.1:8090", null, null));

        assertThat(registry.remove("edge-1")).isTrue();
        assertThat(registry.get("edge-1")).isEmpty();
        assertThat(registry.remove("edge-1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.0.0.1:", ":8090", "host:0", "host:65536", "host:80a", "bad host:80",
            "-host:80", "2001:db8::1:8090", "a..b:80"})
    void anAddressThatIsNotHostColonPortIsRefused(String address) {
        assertThatThrownBy(() -> registry.register(new NodeRegistration("edge-1", address, null, null)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("address '" + address + "' must be host:port, for example edge-7.example.net:8090 or "
                        + "[2001:db8::7]:8090");
        assertThat(registry.list()).isEmpty();
    }

    @Test
    void aMissingAddressIsRefused() {
        assertThatThrownBy(() -> registry.register(new NodeRegistration("edge-1", null, null, null)))
                .hasMessage("address is required (host:port of the node's agent)");
    }

    @Test
    void aMissingOrBadNodeIdIsRefused() {
        assertThatThrownBy(() -> registry.register(new NodeRegistration(null, "h:1", null, null)))
                .hasMessage("node_id is required");
        assertThatThrownBy(() -> registry.register(new NodeRegistration("edge@1", "h:1", null, null)))
                .hasMessage("node_id 'edge@1' is not a valid node id (1 to 64 of A-Z a-z 0-9 . _ -)");
    }

    @Test
    void aTierOutsideOneToNineIsRefused() {
        assertThatThrownBy(() -> registry.register(new NodeRegistration("edge-1", "h:1", 0, null)))
                .hasMessage("tier must be 1 to 9 (1 = parent/shield, 2 = edge), got 0");
    }

    @Test
    void aBadRegionIsRefused() {
        assertThatThrownBy(() -> registry.register(new NodeRegistration("edge-1", "h:1", 1, "eu west")))
                .hasMessage("region 'eu west' is not a valid region (1 to 64 of A-Z a-z 0-9 . _ -)");
    }
}
