package io.purgeline.service;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ErrorBody;
import java.nio.charset.StandardCharsets;

/** What a route answers. Bodies are JSON unless said otherwise. */
public final class HttpReply {
    private static final Codec JSON = new Codec(-1);

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final String errorCode;

    private HttpReply(int status, String contentType, byte[] body) {
        this(status, contentType, body, null);
    }

    private HttpReply(int status, String contentType, byte[] body, String errorCode) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.errorCode = errorCode;
    }

    public static HttpReply json(int status, Object value) {
        return new HttpReply(status, "application/json",
                JSON.toJson(value).getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply text(int status, String contentType, String text) {
        return new HttpReply(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpReply error(int status, String code, String message) {
        return new HttpReply(status, "application/json",
                JSON.toJson(new ErrorBody(code, message)).getBytes(StandardCharsets.UTF_8), code);
    }

    public static HttpReply noContent() {
        return new HttpReply(204, null, new byte[0]);
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    /** The {@code error} of an error reply, null for any other. */
    public String errorCode() {
        return errorCode;
    }

    public byte[] body() {
        return body;
    }
}
