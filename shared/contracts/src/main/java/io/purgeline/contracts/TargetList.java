package io.purgeline.contracts;

import com.google.gson.Gson;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A task's targets (URLs, directories or tags) written as JSON once, however many messages carry them: dispatch-worker
 * puts a task's targets in the request of every node of the task, and writing the same strings again for each node was
 * 60 % of encoding those requests (a 100-URL task on 1,000 nodes: 100,000 strings escaped, for one array's text).
 * Immutable; a {@code List<String>} field holding one is written as the text it holds ({@link Adapter}), and read back
 * as an ordinary list.
 */
public final class TargetList extends AbstractList<String> implements RandomAccess {
    private final List<String> targets;
    /** Made on first write; a race between two threads writes the same immutable text twice at worst. */
    private String json;

    private TargetList(List<String> targets) {
        this.targets = targets;
    }

    /**
     * The targets as a list that keeps its JSON text once written; null stays null. The list is taken as it is, not
     * copied: it must not change afterwards (a list just decoded from a message, which nothing else holds).
     */
    public static List<String> of(List<String> targets) {
        return targets == null || targets instanceof TargetList ? targets : new TargetList(targets);
    }

    @Override
    public String get(int index) {
        return targets.get(index);
    }

    @Override
    public int size() {
        return targets.size();
    }

    private String json() {
        if (json == null) {
            json = Codec.GSON.toJson(targets);
        }
        return json;
    }

    /** Writes a {@code List<String>} that is a {@link TargetList} as its text; any other as Gson does. */
    static final class Adapter implements TypeAdapterFactory {
        @Override
        @SuppressWarnings("unchecked")
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            if (!type.getRawType().isAssignableFrom(TargetList.class)
                    || !(type.getType() instanceof ParameterizedType p)
                    || p.getActualTypeArguments()[0] != String.class) {
                return null;
            }
            TypeAdapter<T> delegate = gson.getDelegateAdapter(this, type);
            return (TypeAdapter<T>) new TypeAdapter<Object>() {
                @Override
                public void write(JsonWriter out, Object value) throws IOException {
                    if (value instanceof TargetList t) {
                        out.jsonValue(t.json());
                    } else {
                        delegate.write(out, (T) value);
                    }
                }

                @Override
                public Object read(JsonReader in) throws IOException {
                    return delegate.read(in);
                }
            };
        }
    }
}
