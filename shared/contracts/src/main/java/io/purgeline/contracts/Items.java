package io.purgeline.contracts;

import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
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
 * <p>An item is a JSON object ({@code {"http_code":200,"bytes":0,"elapsed_ms":3}}) or a row, the same values by
 * position ({@code [200,0,3]}: http_code, bytes, elapsed_ms, error, verification, target, trailing nulls left out;
 * see {@link JsonText#row}); every reader takes both. Items read (from an answer, a callback) are written on as rows,
 * so saves carry and {@code subtasks.items} stores rows. Items an agent makes keep their list and write it in the
 * form each use asks for, once: rows for an answer to a dispatcher that asks for them ({@code item_rows=1}), objects
 * for a callback. A row is about a fifth of an object's characters, and reading an object made a string of each of
 * its names: reading items was a fifth of dispatch-worker's processor.
 *
 * <p>An item without a target stands for the subtask's target at the same index: in the answer to a dispatcher that
 * asks for it ({@code implied_targets=1}, or {@code item_rows=1}) the agent leaves out every target that its position
 * already names, and the items go on and are stored so. The target was most of an item's bytes (a URL against a few
 * numbers) and so most of what dispatch-worker read, the saver unescaped and MariaDB stored for every node; the
 * status API puts the targets back from the task's.
 */
public final class Items {
    /** No items: what a result that reported none records. */
    public static final Items NONE = new Items("[]", null, null, 0, null, null, -1);

    private static final Type LIST = TypeToken.getParameterized(List.class, ItemResult.class).getType();

    /*
     * The text in one form or both: the array's JSON, or that JSON as a JSON string literal (how a save carries it).
     * Items read from an agent are bound for a save and are written as the literal at once; items read from a save
     * are stored as the JSON; items made here are written as JSON when first asked. A form not there is made when
     * asked for. All are immutable strings, so a form made twice by two threads at once is the same text either way.
     */
    private String json;
    private String literal;
    /** Items made here: their rows, once written ({@link #rows}). */
    private String rows;
    /** Items an agent made: the list, unmodifiable, and the subtask's targets (null: none known); else null. */
    private final Made made;
    private final int count;
    private final ItemResult firstFailing;
    private final ItemResult last;
    private final int firstUntargeted;

    private record Made(List<ItemResult> items, List<String> targets) {}

    private Items(String json, String literal, Made made, int count, ItemResult firstFailing, ItemResult last,
            int firstUntargeted) {
        this.json = json;
        this.literal = literal;
        this.made = made;
        this.count = count;
        this.firstFailing = firstFailing;
        this.last = last;
        this.firstUntargeted = firstUntargeted;
    }

    /** Items made here (by an agent, a test), written as objects or rows when first asked. */
    public static Items of(List<ItemResult> items) {
        return of(items, null);
    }

    /**
     * Items an agent made for a subtask with these targets, which rows leave out where an item's index names its
     * target ({@link #rows}).
     */
    public static Items of(List<ItemResult> items, List<String> targets) {
        List<ItemResult> list = Collections.unmodifiableList(new ArrayList<>(items));
        ItemResult firstFailing = null;
        int firstUntargeted = -1;
        for (int i = 0; i < list.size(); i++) {
            ItemResult item = list.get(i);
            if (firstFailing == null && item != null && item.error() != null) {
                firstFailing = item;
            }
            if (firstUntargeted < 0 && (item == null || item.target() == null || item.target().isBlank())) {
                firstUntargeted = i;
            }
        }
        return new Items(null, null, new Made(list, targets), list.size(), firstFailing,
                list.isEmpty() ? null : list.get(list.size() - 1), firstUntargeted);
    }

    /**
     * These items as objects, for a callback or an answer to a dispatcher that did not ask for rows: as made, or read
     * and written again.
     */
    public Items objects() {
        return made != null ? this : of(list());
    }

    /**
     * These items as objects, leaving out every target that equals the subtask's target at the item's index
     * ({@code implied_targets=1} without {@code item_rows=1}: a dispatcher from before rows), or with their targets
     * where the subtask is not known (items read rather than made here), which say the same.
     */
    public Items impliedTargets() {
        if (made == null || made.targets() == null) {
            return objects();
        }
        return written(false, true);
    }

    /**
     * These items as rows, with the targets their positions imply left out where they were made here for a subtask
     * ({@code item_rows=1}), written once (an agent answers with them and remembers them so); items read are rows
     * already.
     */
    public Items rows() {
        if (made == null) {
            return this;
        }
        if (rows == null) {
            rows = written(true, true).json;
        }
        return new Items(rows, null, null, count, firstFailing, last, firstUntargeted);
    }

    /**
     * Items read as rows that leave out the targets their positions imply (what an agent remembered of a result, see
     * {@link #rows}) with those targets put back from the subtask's: made again, for a callback or an answer.
     */
    public Items withTargets(List<String> targets) {
        List<ItemResult> read = list();
        List<ItemResult> whole = new ArrayList<>(read.size());
        for (int i = 0; i < read.size(); i++) {
            ItemResult item = read.get(i);
            whole.add(item == null || item.target() != null || i >= targets.size() ? item
                    : new ItemResult(targets.get(i), item.httpCode(), item.bytes(), item.elapsedMs(), item.error(),
                            item.verification()));
        }
        return of(whole, targets);
    }

    /** Items made here written as rows or objects, leaving out the targets their positions imply or not. */
    private Items written(boolean rows, boolean implied) {
        List<ItemResult> items = made.items();
        List<String> targets = implied ? made.targets() : null;
        StringBuilder text = new StringBuilder(rows ? items.size() * 12 + 8 : sizeFor(items.size())).append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                text.append(',');
            }
            ItemResult item = items.get(i);
            boolean target = targets == null || item == null || i >= targets.size()
                    || !targets.get(i).equals(item.target());
            if (rows) {
                JsonText.row(text, item, false, target);
            } else {
                JsonText.item(text, item, target);
            }
        }
        return new Items(text.append(']').toString(), null, null, count, firstFailing, last, firstUntargeted);
    }

    /**
     * Writes items one by one as they are read, keeping what purgeline reads of them: as rows in the JSON string
     * literal a save carries (see {@link JsonText#row}).
     */
    static final class Builder {
        private final StringBuilder text;
        private int count;
        private int firstUntargeted = -1;
        private ItemResult firstFailing;
        private ItemResult last;

        /**
         * @param text where the items' text is written, emptied first: a builder a thread keeps for reading items
         *             (grown from a small one, the text of 100 items had been copied 6 times)
         */
        Builder(StringBuilder text) {
            this.text = text;
            text.setLength(0);
            text.append("\"[");
        }

        void add(ItemResult item) {
            if (count > 0) {
                text.append(',');
            }
            JsonText.row(text, item, true, true);
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
            return new Items(null, text.append("]\"").toString(), null, count, firstFailing, last, firstUntargeted);
        }
    }

    /** Room for the text of this many items as objects without targets (an item is about 45 characters). */
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

    /** The JSON array, as stored in {@code subtasks.items}; items made here, as objects. */
    public String json() {
        if (json == null) {
            json = made != null ? written(false, false).json : Codec.GSON.fromJson(literal, String.class);
        }
        return json;
    }

    /** The JSON array as a JSON string literal, quotes included: how a save carries it. */
    String literal() {
        if (literal == null) {
            literal = JsonText.quoted(json());
        }
        return literal;
    }

    /** About how many characters the items take in a save message. */
    public int savedLength() {
        return literal != null ? literal.length() : json().length() + json().length() / 8;
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

    /** The items: as made, or decoded (for tests, tools and the rare re-writing; the pipeline passes the text on). */
    public List<ItemResult> list() {
        return made != null ? made.items() : Codec.GSON.fromJson(json(), LIST);
    }

    /** The same items, whether written as objects or as rows (for tests and tools: it decodes both). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Items other && list().equals(other.list());
    }

    @Override
    public int hashCode() {
        return list().hashCode();
    }

    @Override
    public String toString() {
        return json();
    }
}
