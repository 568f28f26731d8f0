package io.purgeline.dispatch;

import com.rabbitmq.client.GetResponse;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.runtime.Topology;
import io.purgeline.testkit.TestNamespace;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads dispatch.dead (a plain quorum queue, so basic.get works) and keeps what it took, so that tests of one class
 * sharing the queue each find their own letters whatever order they run in.
 */
final class DeadLetterReader {
    /** One parked message with its headers. */
    record Letter(String reason, String source, String type, String correlationId, String contentEncoding,
            byte[] body) {
        DispatchMessage message(TestNamespace ns) {
            return ns.config().codec().decode(body, contentEncoding, DispatchMessage.class);
        }
    }

    private final TestNamespace ns;
    private final List<Letter> taken = new CopyOnWriteArrayList<>();

    DeadLetterReader(TestNamespace ns) {
        this.ns = ns;
    }

    /** Everything parked so far, including letters taken by earlier calls. */
    List<Letter> letters() {
        ns.broker().withChannel(ch -> {
            GetResponse r;
            while ((r = ch.basicGet(ns.topology().deadQueue(Topology.Area.DISPATCH), true)) != null) {
                Map<String, Object> h = r.getProps().getHeaders();
                taken.add(new Letter(String.valueOf(h.get(Topology.DEAD_REASON_HEADER)),
                        String.valueOf(h.get(Topology.DEAD_SOURCE_HEADER)), r.getProps().getType(),
                        r.getProps().getCorrelationId(), r.getProps().getContentEncoding(), r.getBody()));
            }
        });
        return List.copyOf(taken);
    }
}
