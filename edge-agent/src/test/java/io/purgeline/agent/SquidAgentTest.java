package io.purgeline.agent;

import io.purgeline.testkit.CacheProcess;
import io.purgeline.testkit.Squid;
import java.io.IOException;

/** The agent driving a real Squid 5, running the reference configuration. */
class SquidAgentTest extends RealCacheAgentTest {
    @Override
    String kind() {
        return SquidAdapter.KIND;
    }

    @Override
    CacheProcess startCache(int originPort, String listenHost, int port) throws IOException {
        return Squid.start(reference("/squid/purgeline.conf"), "127.0.0.1", originPort, listenHost, port);
    }
}
