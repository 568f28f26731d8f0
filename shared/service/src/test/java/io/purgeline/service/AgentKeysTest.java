package io.purgeline.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.NodeKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentKeysTest {
    @Test
    void everyNodesKeysAreDerivedFromTheMastersTheSigningOneFirstAsOftenAsAsked() {
        AgentKeys keys = new AgentKeys(List.of("new-master", "old-master"));
        for (int round = 0; round < 2; round++) { // the second round reads what the first remembered
            for (int i = 0; i < AgentKeys.REMEMBERED + 100; i += 997) {
                String node = "edge-" + i;
                assertThat(keys.acceptedKeys(node)).containsExactly(NodeKeys.derive("new-master", node),
                        NodeKeys.derive("old-master", node));
                assertThat(keys.signingKey(node)).isEqualTo(NodeKeys.derive("new-master", node));
            }
        }
    }

    @Test
    void nodesBeyondTheRememberedOnesStillGetTheirOwnKeys() {
        AgentKeys keys = new AgentKeys(List.of("master"));
        for (int i = 0; i < AgentKeys.REMEMBERED; i++) {
            keys.signingKey("forged-" + i);
        }
        assertThat(keys.forNode("edge-1").keys()).containsExactly(NodeKeys.derive("master", "edge-1"));
        assertThat(keys.signingKey("edge-2")).isEqualTo(NodeKeys.derive("master", "edge-2"));
    }
}
