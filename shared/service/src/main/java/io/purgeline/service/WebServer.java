package io.purgeline.service;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Jetty server with a small router: {@code route("GET", "/v1/tasks/{task_id}", call -> ...)}. Routes run
 * on server threads and may block. Errors become API error bodies; a body over the limit is refused with 413 before
 * it is read whole.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");

    private final Server server;
    private final ServerConnector connector;

    private WebServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static Builder builder(String name, HttpConfig config) {
        return new Builder(name, config);
    }

    /** The port actually bound (differs from the configured one when that was 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return connector.getHost();
    }

    /** Stops accepting, lets requests in progress finish (up to the stop timeout), then closes. */
    @Override
    public void close() throws Exception {
        server.stop();
    }

    public static final class Builder {
        private final String name;
        private final HttpConfig config;
        private final List<Entry> routes = new ArrayList<>();

        private Builder(String name, HttpConfig config) {
            this.name = name;
            this.config = config;
        }

        public Builder route(String method, String pathTemplate, Route route) {
            List<String> names = new ArrayList<>();
            Matcher m = PARAM.matcher(pathTemplate);
            StringBuilder regex = new StringBuilder();
            int last = 0;
            while (m.find()) {
                regex.append(Pattern.quote(pathTemplate.substring(last, m.start()))).append("([^/]+)");
                names.add(m.group(1));
                last = m.end();
            }
            regex.append(Pattern.quote(pathTemplate.substring(last)));
            routes.add(new Entry(method, Pattern.compile(regex.toString()), names, route));
            return this;
        }

        public WebServer start() throws Exception {
            // A worker's HTTP is light (API calls, callbacks, probes); a bounded pool keeps a 2-core box responsive.
            QueuedThreadPool threads = new QueuedThreadPool(64, 4);
            threads.setName(name + "-http");
            Server server = new Server(threads);
            ServerConnector connector = new ServerConnector(server);
            connector.setHost(config.host());
            connector.setPort(config.port());
            server.addConnector(connector);
            server.setHandler(new Router(List.copyOf(routes), config.maxBodyBytes()));
            server.setStopTimeout(5_000);
            server.start();
            log.info("{} serving HTTP on {}:{}", name, config.host(), connector.getLocalPort());
            return new WebServer(server, connector);
        }
    }

    private record Entry(String method, Pattern pattern, List<String> names, Route route) {}

    private static final class Router extends Handler.Abstract {
        private final List<Entry> routes;
        private final int maxBodyBytes;

        Router(List<Entry> routes, int maxBodyBytes) {
            this.routes = routes;
            this.maxBodyBytes = maxBodyBytes;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            HttpReply reply;
            try {
                reply = dispatch(request);
            } catch (HttpError e) {
                reply = HttpReply.error(e.status(), e.code(), e.getMessage());
            } catch (Exception e) {
                log.error("unhandled error serving {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
                reply = HttpReply.error(500, "internal", "internal error: " + e.getClass().getSimpleName());
            }
            response.setStatus(reply.status());
            if (reply.contentType() != null) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
            }
            response.write(true, ByteBuffer.wrap(reply.body()), callback);
            return true;
        }

        private HttpReply dispatch(Request request) throws Exception {
            String path = Request.getPathInContext(request);
            boolean pathMatched = false;
            for (Entry e : routes) {
                Matcher m = e.pattern().matcher(path);
                if (!m.matches()) {
                    continue;
                }
                pathMatched = true;
                if (!e.method().equals(request.getMethod())) {
                    continue;
                }
                Map<String, String> params = new HashMap<>();
                for (int i = 0; i < e.names().size(); i++) {
                    params.put(e.names().get(i), java.net.URLDecoder.decode(m.group(i + 1),
                            java.nio.charset.StandardCharsets.UTF_8));
                }
                String query = request.getHttpURI().getQuery();
                HttpCall call = new HttpCall(request.getMethod(),
                        query == null ? request.getHttpURI().getPath() : request.getHttpURI().getPath() + "?" + query,
                        params, queryOf(request), name -> request.getHeaders().get(name), readBody(request),
                        Request.getRemoteAddr(request));
                return e.route().handle(call);
            }
            if (pathMatched) {
                return HttpReply.error(405, "method_not_allowed", request.getMethod() + " is not allowed on " + path);
            }
            return HttpReply.error(404, "not_found", "no such endpoint: " + path);
        }

        private byte[] readBody(Request request) throws Exception {
            long declared = request.getLength();
            if (declared > maxBodyBytes) {
                throw new HttpError(413, "too_large", "body of " + declared + " bytes exceeds the limit of "
                        + maxBodyBytes);
            }
            try (InputStream in = Request.asInputStream(request)) {
                byte[] body = in.readNBytes(maxBodyBytes + 1);
                if (body.length > maxBodyBytes) {
                    throw new HttpError(413, "too_large", "body exceeds the limit of " + maxBodyBytes + " bytes");
                }
                return body;
            }
        }

        private static Map<String, List<String>> queryOf(Request request) {
            Fields fields = Request.extractQueryParameters(request);
            Map<String, List<String>> out = new LinkedHashMap<>();
            for (Fields.Field f : fields) {
                out.put(f.getName(), f.getValues());
            }
            return out;
        }
    }
}
