package io.purgeline.contracts;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;

/**
 * Writes {@link ItemResult} field by field, as Gson's reflective adapter would (same names, order, nulls left out),
 * without its per-field reflection and type look-ups: every result carries one item per URL, and the saver spent
 * over half its time writing items into the {@code subtasks.items} column and most of the rest reading them. The
 * lenient codec reads them by hand too (unknown fields skipped, as Gson does); the strict one reads through the
 * adapter behind this one, which refuses unknown fields. Both read an item written as a row ({@link Items}) by hand.
 */
final class ItemResultAdapter implements TypeAdapterFactory {
    private final boolean readByHand;

    /** @param readByHand read by hand, skipping unknown fields; false: read through the next adapter */
    ItemResultAdapter(boolean readByHand) {
        this.readByHand = readByHand;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        if (type.getRawType() != ItemResult.class) {
            return null;
        }
        TypeAdapter<ItemResult> reader = gson.getDelegateAdapter(this, TypeToken.get(ItemResult.class));
        TypeAdapter<Verification> verification = gson.getAdapter(Verification.class);
        return (TypeAdapter<T>) new TypeAdapter<ItemResult>() {
            @Override
            public void write(JsonWriter out, ItemResult item) throws IOException {
                if (item == null) {
                    out.nullValue();
                    return;
                }
                out.beginObject();
                if (item.target() != null) {
                    out.name("target").value(item.target());
                }
                out.name("http_code").value(item.httpCode());
                out.name("bytes").value(item.bytes());
                out.name("elapsed_ms").value(item.elapsedMs());
                if (item.error() != null) {
                    out.name("error").value(item.error());
                }
                if (item.verification() != null) {
                    out.name("verification");
                    verification.write(out, item.verification());
                }
                out.endObject();
            }

            @Override
            public ItemResult read(JsonReader in) throws IOException {
                if (in.peek() == JsonToken.BEGIN_ARRAY) {
                    return row(in);
                }
                if (!readByHand) {
                    return reader.read(in);
                }
                if (in.peek() == JsonToken.NULL) {
                    in.nextNull();
                    return null;
                }
                String target = null;
                String error = null;
                int httpCode = 0;
                long bytes = 0;
                long elapsedMs = 0;
                Verification seen = null;
                in.beginObject();
                while (in.hasNext()) {
                    String name = in.nextName();
                    if (in.peek() == JsonToken.NULL) {
                        in.nextNull();
                        continue;
                    }
                    switch (name) {
                        case "target" -> target = in.nextString();
                        case "http_code" -> httpCode = in.nextInt();
                        case "bytes" -> bytes = in.nextLong();
                        case "elapsed_ms" -> elapsedMs = in.nextLong();
                        case "error" -> error = in.nextString();
                        case "verification" -> seen = verification.read(in);
                        default -> in.skipValue();
                    }
                }
                in.endObject();
                return new ItemResult(target, httpCode, bytes, elapsedMs, error, seen);
            }

            /**
             * An item written as a row ({@link JsonText#row}). A row longer than six values is refused by both
             * codecs: it is not a form any agent writes, and its extra values could not be read as anything.
             */
            private ItemResult row(JsonReader in) throws IOException {
                in.beginArray();
                int httpCode = in.nextInt();
                long bytes = in.nextLong();
                long elapsedMs = in.nextLong();
                String error = in.hasNext() ? nullableString(in) : null;
                Verification seen = null;
                if (in.hasNext()) {
                    seen = verification.read(in);
                }
                String target = in.hasNext() ? nullableString(in) : null;
                if (in.hasNext()) {
                    // The path is made only here: made for every row, it was half of reading one.
                    throw new JsonParseException("value at " + in.getPath() + " is beyond the 6 of an item's row"
                            + " [http_code, bytes, elapsed_ms, error, verification, target]");
                }
                in.endArray();
                return new ItemResult(target, httpCode, bytes, elapsedMs, error, seen);
            }
        };
    }

    private static String nullableString(JsonReader in) throws IOException {
        if (in.peek() == JsonToken.NULL) {
            in.nextNull();
            return null;
        }
        return in.nextString();
    }
}
