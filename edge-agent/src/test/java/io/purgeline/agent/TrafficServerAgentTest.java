package io.purgeline.agent;

import io.purgeline.testkit.CacheProcess;
import io.purgeline.testkit.TrafficServer;
import java.io.IOException;

/** The agent driving a real Apache Traffic Server 9, running the reference configuration. */
class TrafficServerAgentTest extends RealCacheAgentTest {
    @Override
    String kind() {
        return TrafficServerAdapter.KIND;
    }

    @Override
    CacheProcess startCache(int originPort, String listenHost, int port) throws IOException {
        return TrafficServer.start(reference("/trafficserver/records.config"),
                reference("/trafficserver/remap.config"), reference("/trafficserver/ip_allow.yaml"), "127.0.0.1",
                originPort, listenHost, port);
    }
}
