package io.purgeline.service;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One HTTP request as a route sees it: already routed, body read in full (within the size limit). */
public final class HttpCall {
    private final String method;
    private final String pathAndQuery;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final Function<String, String> headers;
    private final byte[] body;
    private final String remoteAddr;

    public HttpCall(String method, String pathAndQuery, Map<String, String> pathParams,
            Map<String, List<String>> query, Function<String, String> headers, byte[] body, String remoteAddr) {
        this.method = method;
        this.pathAndQuery = pathAndQuery;
        this.pathParams = pathParams;
        this.query = query;
        this.headers = headers;
        this.body = body;
        this.remoteAddr = remoteAddr;
    }

    public String method() {
        return method;
    }

    public String pathAndQuery() {
        return pathAndQuery;
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String header(String name) {
        return headers.apply(name);
    }

    public byte[] body() {
        return body;
    }

    public String remoteAddr() {
        return remoteAddr;
    }

    /**
     * Decodes the JSON body (snappy when {@code Content-Encoding: snappy}) strictly: a field the body type does not
     * have is refused, naming it. A bad body answers 400 ({@code bad_body}, {@code unknown_field}), one that would
     * inflate beyond the codec's limit 413 ({@code too_large}).
     */
    public <T> T bodyAs(Codec codec, Class<T> type) {
        if (body.length == 0) {
            throw new HttpError(400, CodecException.BAD_BODY, "request body is empty, expected a JSON "
                    + type.getSimpleName());
        }
        try {
            return codec.decodeStrict(body, header("Content-Encoding"), type);
        } catch (CodecException e) {
            throw new HttpError(CodecException.TOO_LARGE.equals(e.code()) ? 413 : 400, e.code(), e.getMessage());
        }
    }
}
