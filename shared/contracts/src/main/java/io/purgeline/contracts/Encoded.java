package io.purgeline.contracts;

/** An encoded body and its content encoding ({@code null} for plain JSON, {@link Codec#SNAPPY} when compressed). */
public final class Encoded {
    private final byte[] body;
    private final String contentEncoding;

    public Encoded(byte[] body, String contentEncoding) {
        this.body = body;
        this.contentEncoding = contentEncoding;
    }

    public byte[] body() {
        return body;
    }

    public String contentEncoding() {
        return contentEncoding;
    }

    public boolean compressed() {
        return contentEncoding != null;
    }
}
