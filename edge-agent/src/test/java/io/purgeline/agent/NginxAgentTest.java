package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.testkit.CacheProcess;
import io.purgeline.testkit.Nginx;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;

/** The agent driving a real nginx with ngx_cache_purge, running the reference server block. */
class NginxAgentTest extends RealCacheAgentTest {
    @Override
    String kind() {
        return NginxAdapter.KIND;
    }

    @Override
    CacheProcess startCache(int originPort, String listenHost, int port) throws IOException {
        return Nginx.start(reference("/nginx/purgeline.conf"), "127.0.0.1", originPort, listenHost, port);
    }

    @Test
    void aPurgeOutsideThePurgeLocationIsRefusedRatherThanPassedToTheOrigin() throws Exception {
        var response = agent().client().newRequest(cache().url() + "/js/app.js")
                .method("PURGE")
                .headers(h -> h.put(HttpHeader.HOST, HOST))
                .timeout(5, TimeUnit.SECONDS)
                .send();

        assertThat(response.getStatus()).isEqualTo(405);
        assertThat(origin().received()).noneMatch(r -> r.method().equals("PURGE"));
    }
}
