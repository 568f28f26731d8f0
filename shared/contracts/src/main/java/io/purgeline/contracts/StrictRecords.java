package io.purgeline.contracts;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.annotations.SerializedName;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Refuses a JSON object with a field its record does not have, naming it: Gson drops unknown fields silently, so a
 * typo such as {@code "scpoe"} would send a task to the whole fleet. Used for bodies from outside (API requests,
 * submissions, agent links); messages between our own workers stay lenient, so that a worker one version behind
 * does not park what a newer one added.
 */
final class StrictRecords implements TypeAdapterFactory {
    private final FieldNamingPolicy naming;

    StrictRecords(FieldNamingPolicy naming) {
        this.naming = naming;
    }

    @Override
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        Class<? super T> raw = type.getRawType();
        if (!raw.isRecord()) {
            return null;
        }
        TypeAdapter<T> delegate = gson.getDelegateAdapter(this, type);
        TypeAdapter<JsonElement> elements = gson.getAdapter(JsonElement.class);
        Set<String> known = new HashSet<>();
        for (RecordComponent c : raw.getRecordComponents()) {
            SerializedName name = c.getAccessor().getAnnotation(SerializedName.class);
            try {
                known.add(name != null ? name.value() : naming.translateName(raw.getDeclaredField(c.getName())));
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("record " + raw.getName() + " lacks the field of " + c.getName(), e);
            }
        }
        return new TypeAdapter<T>() {
            @Override
            public void write(JsonWriter out, T value) throws IOException {
                delegate.write(out, value);
            }

            @Override
            public T read(JsonReader in) throws IOException {
                String path = in.getPath();
                JsonElement tree = elements.read(in);
                if (tree != null && tree.isJsonObject()) {
                    for (Map.Entry<String, JsonElement> field : tree.getAsJsonObject().entrySet()) {
                        if (!known.contains(field.getKey())) {
                            throw new UnknownFieldException(field.getKey(), path, raw.getSimpleName(), known);
                        }
                    }
                }
                return delegate.fromJsonTree(tree);
            }
        };
    }

    /** Carries the field's name out of Gson, which wraps what adapters throw. */
    static final class UnknownFieldException extends RuntimeException {
        UnknownFieldException(String field, String path, String record, Set<String> known) {
            super("unknown field '" + field + "' in " + ("$".equals(path) ? "the body" : path) + " (" + record
                    + " has " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
        }
    }
}
