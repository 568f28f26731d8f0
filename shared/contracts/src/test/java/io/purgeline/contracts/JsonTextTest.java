package io.purgeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTextTest {
    /** Gson as the codec is configured, with its own reflection: what the hand-written text must equal. */
    private static final Gson REFLECTIVE = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).disableHtmlEscaping().create();

    private final Random random = new Random(20261201);

    @Test
    void stringsAreEscapedAsGsonEscapesThem() {
        for (String s : List.of("", "plain", "\"", "\\", "\u0000\u001f\t\b\n\r\f", "<a href='x'>&=</a>",
                "\u2028\u2029", "é漢字😀", "ends with \\")) {
            assertThat(JsonText.quoted(s)).isEqualTo(REFLECTIVE.toJson(s));
        }
        for (int i = 0; i < 20_000; i++) {
            String s = randomString();
            assertThat(JsonText.quoted(s)).as("string %s", s).isEqualTo(REFLECTIVE.toJson(s));
        }
    }

    @Test
    void itemsAreWrittenAsGsonWritesThemAsObjectsAndAsRowsAndAsTheStringLiteralOfARow() {
        Codec codec = Codec.standard();
        List<ItemResult> items = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            ItemResult item = new ItemResult(random.nextInt(5) == 0 ? null : randomString(), random.nextInt(600),
                    random.nextLong(), random.nextInt(100_000), random.nextBoolean() ? null : randomString(),
                    random.nextInt(3) > 0 ? null
                            : new Verification(random.nextBoolean(), random.nextInt(600),
                                    random.nextBoolean() ? null : randomString()));
            StringBuilder text = new StringBuilder();
            JsonText.item(text, item, true);
            assertThat(text.toString()).isEqualTo(REFLECTIVE.toJson(item));

            // A row is the list of its values, trailing nulls left out, as Gson writes a list.
            List<Object> values = new ArrayList<>(java.util.Arrays.asList(item.httpCode(), item.bytes(),
                    item.elapsedMs(), item.error(), item.verification(), item.target()));
            while (values.get(values.size() - 1) == null) {
                values.remove(values.size() - 1);
            }
            StringBuilder row = new StringBuilder();
            JsonText.row(row, item, false, true);
            assertThat(row.toString()).isEqualTo(REFLECTIVE.toJson(values));
            assertThat(codec.fromJson(row.toString(), ItemResult.class)).isEqualTo(item);
            StringBuilder literal = new StringBuilder("\"");
            JsonText.row(literal, item, true, true);
            assertThat(literal.append('"').toString()).isEqualTo(REFLECTIVE.toJson(REFLECTIVE.toJson(values)));
            items.add(random.nextInt(50) == 0 ? null : item);
        }
        assertThat(Items.of(items).json()).isEqualTo(REFLECTIVE.toJson(items));
        assertThat(Items.of(items).list()).isEqualTo(items);
        assertThat(Items.of(items).rows().list()).isEqualTo(items);
    }

    private String randomString() {
        int length = random.nextInt(40);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(switch (random.nextInt(6)) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> "\"\\<>&='".charAt(random.nextInt(7));
                case 2 -> (char) (0x2026 + random.nextInt(6));
                case 3 -> (char) (0x80 + random.nextInt(0xD000));
                default -> (char) (0x20 + random.nextInt(0x5f));
            });
        }
        return s.toString();
    }
}
