package io.purgeline.service;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * A route table: {@code route("GET", "/v1/tasks/{task_id}", call -> ...)}. Answers a Jetty request with the route
 * that matches, 404 or 405 otherwise; reads the body whole, refusing one over the size limit with 413 before it is
 * read.
 */
public final class Routes {
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");

    private final List<Entry> entries;

    private Routes(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects routes; templates may hold {@code {name}} path parameters. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        private Builder() {}

        public Builder route(String method, String pathTemplate, Route route) {
            return routeAsync(method, pathTemplate, call -> CompletableFuture.completedFuture(route.handle(call)));
        }

        /** A route that answers later without holding a server thread meanwhile. */
        public Builder routeAsync(String method, String pathTemplate, AsyncRoute route) {
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
            entries.add(new Entry(method, Pattern.compile(regex.toString()), names, route));
            return this;
        }

        public Routes build() {
            return new Routes(entries);
        }
    }

    private record Entry(String method, Pattern pattern, List<String> names, AsyncRoute route) {}

    /**
     * Runs the matching route; errors a route throws, or its reply completes with, are the caller's to turn into
     * replies.
     */
    CompletionStage<HttpReply> answer(Request request, int maxBodyBytes) throws Exception {
        String path = Request.getPathInContext(request);
        boolean pathMatched = false;
        for (Entry e : entries) {
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
                params.put(e.names().get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
            }
            String query = request.getHttpURI().getQuery();
            HttpCall call = new HttpCall(request.getMethod(),
                    query == null ? request.getHttpURI().getPath() : request.getHttpURI().getPath() + "?" + query,
                    params, queryOf(request), name -> request.getHeaders().get(name), readBody(request, maxBodyBytes),
                    Request.getRemoteAddr(request));
            return e.route().handle(call);
        }
        if (pathMatched) {
            return CompletableFuture.completedFuture(HttpReply.error(405, "method_not_allowed",
                    request.getMethod() + " is not allowed on " + path));
        }
        return CompletableFuture.completedFuture(HttpReply.error(404, "not_found", "no such endpoint: " + path));
    }

    private static byte[] readBody(Request request, int maxBodyBytes) throws Exception {
        long declared = request.getLength();
        try (InputStream in = Request.asInputStream(request)) {
            if (declared > maxBodyBytes) {
                if (declared <= 2L * maxBodyBytes) {
                    drain(in, declared);
                }
                throw new HttpError(413, "too_large", "body of " + declared + " bytes exceeds the limit of "
                        + maxBodyBytes);
            }
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                drain(in, maxBodyBytes);
                throw new HttpError(413, "too_large", "body exceeds the limit of " + maxBodyBytes + " bytes");
            }
            return body;
        }
    }

    /**
     * Reads and drops up to {@code limit} bytes of a body being refused, so that the client, still sending it,
     * receives the refusal: answered and closed mid-upload, its connection was reset, and the reset could discard the
     * answer before the client read it ("header parser received no bytes"). Nothing is kept, so the memory a body may
     * take stays bounded by the limit; a body more than twice the limit is not read at all and its connection is
     * closed on it.
     */
    private static void drain(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = limit;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
            left -= n;
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
