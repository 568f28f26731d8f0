package io.purgeline.contracts;

import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.util.List;

/**
 * The item results of one subtask (one {@link ItemResult} per URL, directory or tag), held as the JSON array text
 * that the saver writes into {@code subtasks.items}, with the few items purgeline reads before that: the first that
 * failed and the last. Items are the bulk of every result (37 on average in the benchmark's mix), and they were
 * decoded into objects and encoded again at every hop, agent answer to dispatch-worker to save message to saver to
 * column: that was a third of dispatch-worker's and nearly half of the saver's processor. Now they are read once,
 * where they enter (checked as before), and passed on as text.
 *
 * <p>In the agent protocol (results, callbacks) items stay a JSON array. In save messages ({@link SubtaskOutcome})
 * they travel as one JSON string holding that array's text, which the saver reads without parsing it again; see
 * {@link ItemsAdapter}.
 */
public final class Items {
    /** No items: what a result that reported none records. */
    public static final Items NONE = new Items("[]", null, 0, null, null, -1);

    private static final Type LIST = TypeToken.getParameterized(List.class, ItemResult.class).getType();

    /*
     * The text in one form or both: the array's JSON, or that JSON as a JSON string literal (how a save carries it).
     * Items read from an agent are bound for a save and are written as the literal at once; items read from a save
     * are stored as the JSON. The other form is made only if asked for (a test, a tool). Both are immutable strings,
     * so a form made twice by two threads at once is the same text either way.
     */
    private String json;
    private String literal;
    private final int count;
    private final ItemResult firstFailing;
    private final ItemResult last;
    private final int firstUntargeted;

    Items(String json, String literal, int count, ItemResult firstFailing, ItemResult last, int firstUntargeted) {
        this.json = json;
        this.literal = literal;
        this.count = count;
        this.firstFailing = firstFailing;
        this.last = last;
        this.firstUntargeted = firstUntargeted;
    }

    /** Items made here (by an agent, a test): encoded once, now. */
    public static Items of(List<ItemResult> items) {
        Builder b = new Builder(false);
        items.forEach(b::add);
        return b.build();
    }

    /**
     * Writes items one by one as they are read or made, keeping what purgeline reads of them; {@code literal}: as the
     * JSON string literal a save carries (see {@link JsonText#item}).
     */
    static final class Builder {
        private final boolean literal;
        private final StringBuilder text = new StringBuilder(256);
        private int count;
        private int firstUntargeted = -1;
        private ItemResult firstFailing;
        private ItemResult last;

        Builder(boolean literal) {
            this.literal = literal;
            text.append(literal ? "\"[" : "[");
        }

        void add(ItemResult item) {
            if (count > 0) {
                text.append(',');
            }
            JsonText.item(text, item, literal);
            if (firstFailing == null && item != null && item.error() != null) {
                firstFailing = item;
            }
            if (firstUntargeted < 0 && (item == null || item.target() == null || item.target().isBlank())) {
                firstUntargeted = count;
            }
            last = item;
            count++;
        }

        Items build() {
            String done = text.append(literal ? "]\"" : "]").toString();
            return new Items(literal ? null : done, literal ? done : null, count, firstFailing, last,
                    firstUntargeted);
        }
    }

    /**
     * Items as a save message carries them: text a purgeline worker wrote from items it had read and checked. Only
     * the text is known; the saver needs no more.
     */
    static Items text(String json) {
        return new Items(json, null, -1, null, null, -1);
    }

    /** The JSON array, as stored in {@code subtasks.items}. */
    public String json() {
        if (json == null) {
            json = Codec.GSON.fromJson(literal, String.class);
        }
        return json;
    }

    /** The JSON array as a JSON string literal, quotes included: how a save carries it. */
    String literal() {
        if (literal == null) {
            literal = JsonText.quoted(json);
        }
        return literal;
    }

    /** About how many characters the items take in a save message. */
    public int savedLength() {
        return literal != null ? literal.length() : json.length() + json.length() / 8;
    }

    /** How many items; -1 for items read from a save message, which carries only their text. */
    public int count() {
        return count;
    }

    /** The first item with an error, or null. */
    public ItemResult firstFailing() {
        return firstFailing;
    }

    /** The last item, or null when there is none. */
    public ItemResult last() {
        return last;
    }

    /** Index of the first item that is null or has no target, -1 when every item has one. */
    public int firstUntargeted() {
        return firstUntargeted;
    }

    /** The items decoded (for tests and tools; the pipeline passes the text on). */
    public List<ItemResult> list() {
        return Codec.GSON.fromJson(json(), LIST);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Items other && json().equals(other.json());
    }

    @Override
    public int hashCode() {
        return json().hashCode();
    }

    @Override
    public String toString() {
        return json();
    }
}
