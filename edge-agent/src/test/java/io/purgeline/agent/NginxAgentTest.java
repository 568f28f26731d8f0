package io.purgeline.agent;

import io.purgeline.testkit.CacheProcess;
import io.purgeline.testkit.Nginx;
import java.io.IOException;

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
}
