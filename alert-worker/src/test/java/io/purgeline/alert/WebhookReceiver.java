package io.purgeline.alert;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * A real HTTP receiver on loopback for the webhook sink: records every body posted to it and answers what the test
 * says for the n-th time it gets the same body (1-based: a retry of a notification counts up): a status, after an
 * optional pause.
 */
final class WebhookReceiver implements AutoCloseable {
    record Answer(int status, String body, long delayMs) {}

    private final Server server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();

    private WebhookReceiver(IntFunction<Answer> answer) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                received.add(body);
                Answer a = answer.apply((int) received.stream().filter(body::equals).count());
                if (a.delayMs() > 0) {
                    Thread.sleep(a.delayMs()); // plays a slow receiver; the sink's timeout is what is tested
                }
                if (a.status() / 100 == 2) {
                    accepted.add(body);
                }
                response.setStatus(a.status());
                Content.Sink.write(response, true, a.body(), callback);
                return true;
            }
        });
        server.setStopTimeout(10_000);
        server.start();
    }

    static WebhookReceiver answering(IntFunction<Answer> answer) throws Exception {
        return new WebhookReceiver(answer);
    }

    static WebhookReceiver ok() throws Exception {
        return answering(n -> new Answer(200, "ok", 0));
    }

    String url() {
        return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/hook";
    }

    /** Every body posted, including those answered with an error or too late. */
    List<String> received() {
        return received;
    }

    /** Bodies answered 2xx. */
    List<String> accepted() {
        return accepted;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
