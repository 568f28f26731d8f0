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
 *
 * <p>An item without a target stands for the subtask's target at the same index: in the answer to a dispatcher that
 * asks for it ({@code implied_targets=1}) the agent leaves out every target that its position already names, and the
 * items go on and are stored so. The target was most of an item's bytes (a URL against a few numbers) and so most of
 * what dispatch-worker read, the saver unescaped and MariaDB stored for every node; the status API puts the targets
 * back from the task's.
 */
public final class Items {
    /** No items: what a result that reported none records. */
    public static final Items NONE = new Items("[]", null, null, 0, null, null, -1);

    private static final Type LIST = TypeToken.getParameterized(List.class, ItemResult.class).getType();

    /*
     * The text in one form or both: the array's JSON, or that JSON as a JSON string literal (how a save carries it).
     * Items read from an agent are bound for a save and are written as the literal at once; items read from a save
     * are stored as the JSON. The other form is made only if asked for (a test, a tool). Both are immutable strings,
     * so a form made twice by two threads at once is the same text either way.
     */
    private String json;
    private String literal;
    /** The array's JSON with the targets that positions imply left out; null unless made with the targets. */
    private final String implied;
    private final int count;
    private final ItemResult firstFailing;
    private final ItemResult last;
    private final int firstUntargeted;

    Items(String json, String literal, String implied, int count, ItemResult firstFailing, ItemResult last,
            int firstUntargeted) {
        this.json = json;
        this.literal = literal;
        this.implied = implied;
        this.count = count;
        this.firstFailing = firstFailing;
        this.last = last;
        this.firstUntargeted = firstUntargeted;
    }

    /** Items made here (by an agent, a test): encoded once, now. */
    public static Items of(List<ItemResult> items) {
        Builder b = new Builder(false, null, new StringBuilder(sizeFor(items.size())));
        items.forEach(b::add);
        return b.build();
    }

    /**
     * Items an agent made for a subtask with these targets: also written with the implied targets left out, for an
     * answer that asks for it ({@link #impliedTargets}).
     */
    public static Items of(List<ItemResult> items, List<String> targets) {
        Builder b = new Builder(false, targets, new StringBuilder(sizeFor(items.size())));
        items.forEach(b::add);
        return b.build();
    }

    /**
     * These items with every target that equals the subtask's target at the item's index left out; the same items
     * where that form was not made (items read rather than made here), which say the same with their targets.
     */
    public Items impliedTargets() {
        return implied == null ? this : new Items(implied, null, null, count, firstFailing, last, firstUntargeted);
    }

    /**
     * Writes items one by one as they are read or made, keeping what purgeline reads of them; {@code literal}: as the
     * JSON string literal a save carries (see {@link JsonText#item}); with the subtask's {@code targets}, also with
     * the targets they imply left out.
     */
    static final class Builder {
        private final boolean literal;
        private final List<String> targets;
        private final StringBuilder text;
        private final StringBuilder implied;
        private int count;
        private int firstUntargeted = -1;
        private ItemResult firstFailing;
        private ItemResult last;

        /**
         * @param text where the items' text is written, emptied first: a builder sized for them, or one a thread
         *             keeps for reading items (grown from a small one, the text of 100 items had been copied 6 times)
         */
        Builder(boolean literal, List<String> targets, StringBuilder text) {
            this.literal = literal;
            this.targets = targets;
            this.text = text;
            text.setLength(0);
            text.append(literal ? "\"[" : "[");
            implied = targets == null ? null
                    : new StringBuilder(text.capacity()).append(literal ? "\"[" : "[");
        }

        void add(ItemResult item) {
            if (count > 0) {
                text.append(',');
            }
            JsonText.item(text, item, literal, true);
            if (implied != null) {
                if (count > 0) {
                    implied.append(',');
                }
                boolean impliedTarget = item != null && count < targets.size()
                        && targets.get(count).equals(item.target());
                JsonText.item(implied, item, literal, !impliedTarget);
            }
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
            String end = literal ? "]\"" : "]";
            String done = text.append(end).toString();
            return new Items(literal ? null : done, literal ? done : null,
                    implied == null ? null : implied.append(end).toString(), count, firstFailing, last,
                    firstUntargeted);
        }
    }

    /** Room for the text of this many items without targets (an item is about 45 characters), at least 256. */
    private static int sizeFor(int items) {
        return Math.max(256, items * 48 + 8);
    }

    /**
     * Items as a save message carries them: text a purgeline worker wrote from items it had read and checked. Only
     * the text is known; the saver needs no more.
     */
    static Items text(String json) {
        return new Items(json, null, null, -1, null, null, -1);
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
