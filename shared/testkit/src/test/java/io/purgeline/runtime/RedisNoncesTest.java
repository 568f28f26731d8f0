package io.purgeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisNoncesTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    @Test
    void tokensClaimedTogetherAreClaimedOnceEachWhetherUsedBeforeOrTwiceAmongThem() {
        RedisNonces nonces = new RedisNonces(ns.redis(), ns.keys());
        Duration ttl = Duration.ofSeconds(120);
        assertThat(nonces.claim("used-before", ttl)).isTrue();

        List<Boolean> claimed = nonces.claimAll(List.of("fresh", "used-before", "twice", "twice"), ttl);

        assertThat(claimed).containsExactly(true, false, true, false);
        assertThat(nonces.claim("fresh", ttl)).as("claimed together, used after").isFalse();
        assertThat(nonces.claimAll(List.of(), ttl)).isEmpty();
        assertThat(ns.redis().pttl(ns.keys().usedToken("twice"))).isBetween(1L, ttl.toMillis());
    }
}
