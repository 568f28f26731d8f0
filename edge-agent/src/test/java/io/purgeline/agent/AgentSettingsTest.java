package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purgeline.service.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration mistakes stop the agent at start with a sentence naming the variable. */
class AgentSettingsTest {
    @Test
    void anAgentWithoutANodeIdDoesNotStart() {
        assertThatThrownBy(() -> AgentWorker.start(new Env(Map.of("PURGELINE_HTTP_PORT", "0"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PURGELINE_NODE_ID is required");
    }

    @Test
    void anUnsupportedCacheKindIsNamedWithTheSupportedOnes() {
        assertThatThrownBy(() -> AgentWorker.start(new Env(Map.of("PURGELINE_HTTP_PORT", "0",
                "PURGELINE_NODE_ID", "edge-1", "PURGELINE_CACHE_KIND", "haproxy", "PURGELINE_NODE_KEYS", "k"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'haproxy' is not supported")
                .hasMessageContaining("supported: varnish, nginx, ats, squid");
    }

    @Test
    void anAgentWithoutItsKeyDoesNotStartOutsideDevelopment() {
        assertThatThrownBy(() -> AgentWorker.start(new Env(Map.of("PURGELINE_HTTP_PORT", "0",
                "PURGELINE_NODE_ID", "edge-1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PURGELINE_NODE_KEYS is required");
    }

    @Test
    void aCacheUrlThatIsNotHttpIsRefused() {
        assertThatThrownBy(() -> AgentSettings.from(new Env(Map.of("PURGELINE_NODE_ID", "edge-1",
                "PURGELINE_CACHE_URL", "localhost:6081"))))
                .hasMessageContaining("PURGELINE_CACHE_URL must be an http:// or https:// URL");
    }

    @Test
    void prefetchCapsOutOfRangeAreRefusedByName() {
        assertThatThrownBy(() -> PrefetchLimits.from(new Env(Map.of("PURGELINE_PREFETCH_CONCURRENCY", "0"))))
                .hasMessage("PURGELINE_PREFETCH_CONCURRENCY must be at least 1, got 0");
        assertThatThrownBy(() -> PrefetchLimits.from(new Env(Map.of("PURGELINE_PREFETCH_BYTES_PER_S", "-1"))))
                .hasMessage("PURGELINE_PREFETCH_BYTES_PER_S must be 0 (no cap) or more, got -1");
        assertThatThrownBy(() -> PrefetchLimits.from(new Env(Map.of("PURGELINE_HLS_MAX_SEGMENTS", "0"))))
                .hasMessage("PURGELINE_HLS_MAX_SEGMENTS must be at least 1, got 0");
        assertThat(PrefetchLimits.from(new Env(Map.of()))).isEqualTo(PrefetchLimits.DEFAULT);
    }
}
