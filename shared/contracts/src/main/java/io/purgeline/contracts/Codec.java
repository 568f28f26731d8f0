package io.purgeline.contracts;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.xerial.snappy.Snappy;

/**
 * The one codec for every message and API body: JSON with snake_case names and RFC 3339 instants, compressed with
 * raw snappy above a size threshold. Thread-safe.
 */
public final class Codec {
    public static final String SNAPPY = "snappy";

    /**
     * Default threshold: below about 1 KiB snappy saves little and costs a native call on every message, above it a
     * URL list compresses 3–5×, which is what keeps large fan-out messages cheap for the broker.
     */
    public static final int DEFAULT_COMPRESS_ABOVE = 1024;

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
            .disableHtmlEscaping()
            .create();

    private final int compressAbove;

    /** @param compressAbove bodies longer than this many bytes are snappy-compressed; negative never compresses */
    public Codec(int compressAbove) {
        this.compressAbove = compressAbove;
    }

    public static Codec standard() {
        return new Codec(DEFAULT_COMPRESS_ABOVE);
    }

    public Encoded encode(Object value) {
        byte[] json = toJson(value).getBytes(StandardCharsets.UTF_8);
        if (compressAbove < 0 || json.length <= compressAbove) {
            return new Encoded(json, null);
        }
        try {
            return new Encoded(Snappy.compress(json), SNAPPY);
        } catch (IOException e) {
            throw new IllegalStateException("snappy compression failed", e);
        }
    }

    /** Decodes a body; {@code contentEncoding} is null, empty, "identity" or "snappy". */
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        return fromJson(inflate(body, contentEncoding), type);
    }

    public String toJson(Object value) {
        return GSON.toJson(value);
    }

    public <T> T fromJson(String json, Class<T> type) {
        T value;
        try {
            value = GSON.fromJson(json, type);
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new CodecException("body is not a valid " + type.getSimpleName() + ": " + rootMessage(e), e);
        }
        if (value == null) {
            throw new CodecException("body is empty, expected a JSON " + type.getSimpleName(), null);
        }
        return value;
    }

    /** The JSON text of a body, decompressed if needed. */
    public static String inflate(byte[] body, String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isEmpty() || contentEncoding.equalsIgnoreCase("identity")) {
            return new String(body, StandardCharsets.UTF_8);
        }
        if (!contentEncoding.equalsIgnoreCase(SNAPPY)) {
            throw new CodecException("unsupported content encoding '" + contentEncoding + "' (use snappy or none)", null);
        }
        try {
            if (!Snappy.isValidCompressedBuffer(body)) {
                throw new CodecException("body is marked snappy but is not a valid snappy block", null);
            }
            return new String(Snappy.uncompress(body), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CodecException("body is marked snappy but does not decompress: " + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static final class InstantAdapter extends TypeAdapter<Instant> {
        @Override
        public void write(JsonWriter out, Instant value) throws IOException {
            out.value(value.toString());
        }

        @Override
        public Instant read(JsonReader in) throws IOException {
            if (in.peek() != JsonToken.STRING) {
                throw new JsonParseException("expected an RFC 3339 time string at " + in.getPath());
            }
            String text = in.nextString();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new JsonParseException("'" + text + "' is not an RFC 3339 UTC time", e);
            }
        }
    }
}
