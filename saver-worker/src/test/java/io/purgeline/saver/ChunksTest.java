package io.purgeline.saver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Multi-row statements come in few shapes, in row order, within the row and byte bounds. */
class ChunksTest {
    @Test
    void everyStatementHasAPowerOfTwoRowsAndTheRowsKeepTheirOrder() {
        List<Integer> rows = IntStream.range(0, 1_300).boxed().toList();

        List<List<Integer>> chunks = Chunks.of(rows, r -> 10);

        assertThat(chunks).extracting(List::size).containsExactly(512, 512, 256, 16, 4);
        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(rows);
    }

    @Test
    void theByteBudgetClosesAChunkBeforeItsRowLimit() {
        List<Integer> rows = IntStream.range(0, 10).boxed().toList();

        List<List<Integer>> chunks = Chunks.of(rows, r -> Chunks.MAX_BYTES / 3);

        assertThat(chunks).extracting(List::size).containsExactly(2, 1, 2, 1, 2, 1, 1);
        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(rows);
    }

    @Test
    void anInListIsPaddedToAPowerOfTwoWithItsLastValue() {
        assertThat(Chunks.padded(List.of("a", "b", "c", "d", "e"))).containsExactly("a", "b", "c", "d", "e", "e", "e",
                "e");
        assertThat(Chunks.padded(List.of("a", "b"))).containsExactly("a", "b");
        assertThat(Chunks.padded(List.of("a"))).containsExactly("a");
        assertThat(Chunks.padded(List.of())).isEmpty();
    }
}
