package io.purgeline.contracts;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

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

    /**
     * Most bytes a body may hold once decompressed, checked against the length a snappy block declares before it is
     * inflated: an 8 MiB body could otherwise become ~170 MB on the heap. Twice the largest request body, and far
     * above the largest message purgeline makes itself (a task's targets are bounded to 4 MiB of JSON at intake).
     */
    public static final int DEFAULT_MAX_INFLATED = 16 << 20;
    /**
     * The bound on messages between purgeline's own workers, which only purgeline publishes: far above any it makes
     * (a save may group the results of many nodes), still a bound (RabbitMQ refuses messages over 512 MiB).
     */
    static final int INTERNAL_MAX_INFLATED = 256 << 20;

    /** The lenient Gson; {@link Items} reads and writes through it too. */
    static final Gson GSON = builder().registerTypeAdapterFactory(new ItemResultAdapter(true))
            .registerTypeAdapterFactory(new ItemsAdapter()).create();
    private static final Gson STRICT = builder()
            .registerTypeAdapterFactory(new StrictRecords(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES))
            // after StrictRecords, so that it takes precedence and reads through it
            .registerTypeAdapterFactory(new ItemResultAdapter(false))
            .registerTypeAdapterFactory(new ItemsAdapter())
            .setStrictness(Strictness.STRICT) // JSON as RFC 8259 writes it: no unquoted names, comments or NaN
            .create();

    private final int compressAbove;
    private final int maxInflated;

    /** @param compressAbove bodies longer than this many bytes are snappy-compressed; negative never compresses */
    public Codec(int compressAbove) {
        this(compressAbove, DEFAULT_MAX_INFLATED);
    }

    /**
     * @param maxInflated most bytes a body from outside may decode to ({@link #decodeStrict}); a larger one is a
     *                    {@link CodecException#TOO_LARGE}
     */
    public Codec(int compressAbove, int maxInflated) {
        this.compressAbove = compressAbove;
        this.maxInflated = maxInflated;
    }

    private static GsonBuilder builder() {
        return new GsonBuilder()
                .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .registerTypeAdapter(Instant.class, new InstantAdapter().nullSafe())
                .registerTypeAdapterFactory(new TargetList.Adapter())
                .disableHtmlEscaping();
    }

    public static Codec standard() {
        return new Codec(DEFAULT_COMPRESS_ABOVE);
    }

    public Encoded encode(Object value) {
        Scratch scratch = SCRATCH.get();
        byte[] json = scratch.json(value).getBytes(StandardCharsets.UTF_8);
        if (compressAbove < 0 || json.length <= compressAbove) {
            return new Encoded(json, null);
        }
        try {
            byte[] out = scratch.compressed(Snappy.maxCompressedLength(json.length));
            int length = Snappy.compress(json, 0, json.length, out, 0);
            return new Encoded(Arrays.copyOf(out, length), SNAPPY);
        } catch (IOException e) {
            throw new IllegalStateException("snappy compression failed", e);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /**
     * Size beyond which a buffer a thread grew for one large body is let go rather than kept: an agent's request
     * threads each keep their buffers in its 40 MiB heap, and an agent batch of two 100-URL subtasks is about 10 KB.
     */
    static final int KEPT = 64 * 1024;

    /** The calling thread's buffers. */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * A thread's buffers for encoding and decoding, kept between bodies. Written into a new builder and compressed by
     * {@link Snappy#compress(byte[])}, a body had been copied five times (the builder grown by doubling, the string,
     * its bytes, snappy's worst-case buffer, the exact copy): a two-subtask batch of 100 URLs each allocated 71 KB and
     * took 35-43 µs to encode (C1), 23 KB and 22-34 µs now; encoding was a quarter of what dispatch-worker allocated.
     * (An {@code OutputStreamWriter} into a kept byte buffer, which would save the two copies left, allocated more:
     * Java 17's stream encoder copies every string it is given into a new array.) Decoding inflates into a kept array
     * and writes the text of the items it reads into a kept builder (a new one each was a third of what decoding an
     * agent's answer allocated). A buffer grown beyond {@link Codec#KEPT} for a large body is let go.
     */
    static final class Scratch {
        private StringBuilder json = new StringBuilder(4096);
        private StringBuilder items = new StringBuilder(4096);
        private byte[] compressed = new byte[4096];
        private byte[] inflated = new byte[4096];

        String json(Object value) {
            json = emptied(json);
            GSON.toJson(value, json);
            return json.toString();
        }

        /** The builder for the text of items being read (no read of items starts inside another), emptied. */
        StringBuilder items() {
            items = emptied(items);
            return items;
        }

        byte[] compressed(int atLeast) {
            byte[] b = atLeast(compressed, atLeast);
            compressed = b.length <= KEPT ? b : compressed;
            return b;
        }

        byte[] inflated(int atLeast) {
            byte[] b = atLeast(inflated, atLeast);
            inflated = b.length <= KEPT ? b : inflated;
            return b;
        }

        private static StringBuilder emptied(StringBuilder kept) {
            if (kept.capacity() > KEPT) {
                return new StringBuilder(4096);
            }
            kept.setLength(0);
            return kept;
        }

        private static byte[] atLeast(byte[] kept, int length) {
            return kept.length >= length ? kept : new byte[length];
        }
    }

    /**
     * Decodes a message between purgeline's own workers; {@code contentEncoding} is null, empty, "identity" or
     * "snappy". Lenient (unknown fields are ignored) and bounded by {@link #INTERNAL_MAX_INFLATED}.
     */
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        return fromJson(inflate(body, contentEncoding, Math.max(maxInflated, INTERNAL_MAX_INFLATED)), type);
    }

    /**
     * Decodes a body from outside purgeline (API requests, submissions, the agent protocol): a field the record does
     * not have is refused ({@link CodecException#UNKNOWN_FIELD}, naming it), at any depth, and the body may decode to
     * at most {@code maxInflated} bytes.
     */
    public <T> T decodeStrict(byte[] body, String contentEncoding, Class<T> type) {
        return parse(STRICT, inflate(body, contentEncoding, maxInflated), type);
    }

    public String toJson(Object value) {
        return GSON.toJson(value);
    }

    public <T> T fromJson(String json, Class<T> type) {
        return parse(GSON, json, type);
    }

    private static <T> T parse(Gson gson, String json, Class<T> type) {
        T value;
        try {
            value = gson.fromJson(json, type);
        } catch (StrictRecords.UnknownFieldException e) {
            throw new CodecException(CodecException.UNKNOWN_FIELD, e.getMessage(), e);
        } catch (JsonParseException e) {
            Throwable root = root(e);
            if (root instanceof StrictRecords.UnknownFieldException) {
                throw new CodecException(CodecException.UNKNOWN_FIELD, root.getMessage(), e);
            }
            throw new CodecException("body is not a valid " + type.getSimpleName() + ": " + rootMessage(e), e);
        } catch (RuntimeException e) {
            // Whatever else Gson's reflection trips over in hostile input (a wrong type deep inside, a null where a
            // record wants a primitive) is the same answer: these bytes are not this body.
            throw new CodecException("body is not a valid " + type.getSimpleName() + ": " + rootMessage(e), e);
        }
        if (value == null) {
            throw new CodecException("body is empty, expected a JSON " + type.getSimpleName(), null);
        }
        return value;
    }

    /** The JSON text of a body, decompressed if needed, of at most {@link #DEFAULT_MAX_INFLATED} bytes. */
    public static String inflate(byte[] body, String contentEncoding) {
        return inflate(body, contentEncoding, DEFAULT_MAX_INFLATED);
    }

    /**
     * The JSON text of a body, decompressed if needed. A snappy block declares its uncompressed length in its first
     * bytes; that length is checked against {@code maxInflated} before anything is allocated for it.
     */
    public static String inflate(byte[] body, String contentEncoding, int maxInflated) {
        if (contentEncoding == null || contentEncoding.isEmpty() || contentEncoding.equalsIgnoreCase("identity")) {
            requireAtMost(body.length, maxInflated, "body");
            return new String(body, StandardCharsets.UTF_8);
        }
        if (!contentEncoding.equalsIgnoreCase(SNAPPY)) {
            throw new CodecException("unsupported content encoding '" + contentEncoding + "' (use snappy or none)", null);
        }
        try {
            int declared = Snappy.uncompressedLength(body);
            requireAtMost(declared, maxInflated, "snappy body would inflate to");
            if (!Snappy.isValidCompressedBuffer(body)) {
                throw new CodecException("body is marked snappy but is not a valid snappy block", null);
            }
            byte[] inflated = SCRATCH.get().inflated(declared);
            int length = Snappy.uncompress(body, 0, body.length, inflated, 0);
            return new String(inflated, 0, length, StandardCharsets.UTF_8);
        } catch (CodecException e) {
            throw e;
        } catch (IOException | RuntimeException | SnappyError e) {
            throw new CodecException("body is marked snappy but does not decompress: " + rootMessage(e), e);
        }
    }

    private static void requireAtMost(long length, int max, String what) {
        // A negative length is a varint snappy-java read as an int overflow: far too large either way.
        if (length < 0 || length > max) {
            throw new CodecException(CodecException.TOO_LARGE, what + " " + (length < 0 ? "over 2 GiB" : length
                    + " bytes") + ", more than the limit of " + max + " bytes", null);
        }
    }

    private static Throwable root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = root(e);
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
                return UtcInstants.parse(text);
            } catch (DateTimeParseException e) {
                throw new JsonParseException("'" + text + "' is not an RFC 3339 UTC time", e);
            }
        }
    }
}
