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
 * Reads and writes {@link Items} as the JSON array of the agent protocol. Reading takes each item through the codec's
 * {@link ItemResult} adapter, so the lenient codec skips unknown fields and the strict one refuses them as before, and
 * writes it straight back out ({@link JsonText}) in the form a save carries; writing puts the array's text out as it
 * is.
 */
final class ItemsAdapter implements TypeAdapterFactory {
    @Override
    @SuppressWarnings("unchecked")
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        if (type.getRawType() != Items.class) {
            return null;
        }
        TypeAdapter<ItemResult> item = gson.getAdapter(ItemResult.class);
        return (TypeAdapter<T>) new TypeAdapter<Items>() {
            @Override
            public void write(JsonWriter out, Items items) throws IOException {
                out.jsonValue(items.json());
            }

            @Override
            public Items read(JsonReader in) throws IOException {
                // Items read here go on in a save: written as rows in the literal a save carries, not escaped again.
                Items.Builder items = new Items.Builder(Codec.scratch().items());
                in.beginArray();
                while (in.hasNext()) {
                    items.add(item.read(in));
                }
                in.endArray();
                return items.build();
            }
        }.nullSafe();
    }

    /**
     * {@link Items} in a save message: one JSON string holding the array's text, which the saver stores without
     * parsing it (a string is one scan; an array of objects is a parse and an encode again). A save from a worker of
     * an earlier version carries the array itself, read as above.
     */
    static final class AsText implements TypeAdapterFactory {
        @Override
        @SuppressWarnings("unchecked")
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            TypeAdapter<Items> array = gson.getAdapter(Items.class);
            return (TypeAdapter<T>) new TypeAdapter<Items>() {
                @Override
                public void write(JsonWriter out, Items items) throws IOException {
                    out.jsonValue(items.literal());
                }

                @Override
                public Items read(JsonReader in) throws IOException {
                    if (in.peek() != JsonToken.STRING) {
                        return array.read(in);
                    }
                    String json = in.nextString();
                    // Written by a purgeline worker from items it had read; a cut or garbled text is still refused.
                    if (json.length() < 2 || json.charAt(0) != '[' || json.charAt(json.length() - 1) != ']') {
                        throw new JsonParseException("items at " + in.getPath() + " is not the text of a JSON array");
                    }
                    return Items.text(json);
                }
            }.nullSafe(); // a null outcome's items stay null
        }
    }
}
