package io.purgeline.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void aWorkerWithoutItsSecretRefusesToStartNamingTheVariable() {
        assertThatThrownBy(() -> AdminKey.from(new Env(Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PURGELINE_ADMIN_KEY").hasMessageContaining("PURGELINE_DEV=true");
        assertThatThrownBy(() -> AgentKeys.from(new Env(Map.of(AgentKeys.MASTERS, AgentKeys.DEV_MASTER))))
                .hasMessageContaining(AgentKeys.MASTERS);
    }

    @Test
    void theDevelopmentDefaultIsRefusedEvenBesideAnotherKey() {
        assertThatThrownBy(() -> AgentKeys.from(new Env(Map.of(AgentKeys.MASTERS, "mine," + AgentKeys.DEV_MASTER))))
                .hasMessageContaining(AgentKeys.MASTERS);
    }

    @Test
    void developmentMachinesRunWithTheDefaults() {
        Env dev = new Env(Map.of(Secrets.DEV, "true"));

        assertThat(AdminKey.from(dev).secret()).isEqualTo(AdminKey.DEV_SECRET);
        assertThat(AgentKeys.from(dev).masters()).containsExactly(AgentKeys.DEV_MASTER);
    }

    @Test
    void configuredKeysAreUsedFirstOneSigning() {
        AgentKeys keys = AgentKeys.from(new Env(Map.of(AgentKeys.MASTERS, "new-master, old-master")));

        assertThat(keys.masters()).containsExactly("new-master", "old-master");
        assertThat(keys.acceptedKeys("edge-1")).hasSize(2).first().isEqualTo(keys.signingKey("edge-1"));
        assertThat(keys.signingKey("edge-1")).isNotEqualTo(keys.signingKey("edge-2"));
    }

    @Test
    void anAgentTakesItsOwnKeysOrInDevelopmentDerivesThem() {
        NodeLinkKeys given = NodeLinkKeys.from(new Env(Map.of(NodeLinkKeys.KEYS, "k1,k2")), "edge-1");
        NodeLinkKeys derived = NodeLinkKeys.from(new Env(Map.of(Secrets.DEV, "true")), "edge-1");

        assertThat(given.keys()).isEqualTo(List.of("k1", "k2"));
        assertThat(given.secretsOf("edge-1")).containsExactly("k1", "k2");
        assertThat(given.secretsOf("edge-2")).isEmpty();
        assertThat(derived.signing()).isEqualTo(AgentKeys.from(new Env(Map.of(Secrets.DEV, "true")))
                .signingKey("edge-1"));
        assertThatThrownBy(() -> NodeLinkKeys.from(new Env(Map.of()), "edge-1"))
                .hasMessageContaining(NodeLinkKeys.KEYS + " is required");
        assertThatThrownBy(() -> NodeLinkKeys.from(new Env(Map.of(NodeLinkKeys.KEYS,
                io.purgeline.contracts.NodeKeys.derive(AgentKeys.DEV_MASTER, "edge-1"))), "edge-1"))
                .as("the development key given outright").hasMessageContaining(NodeLinkKeys.KEYS);
    }
}
