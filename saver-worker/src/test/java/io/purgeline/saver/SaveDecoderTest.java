package io.purgeline.saver;

import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purgeline.contracts.Items;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.SaveBatch;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.runtime.Inbound;
import io.purgeline.runtime.PoisonMessageException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

class SaveDecoderTest {
    private final Codec codec = Codec.standard();
    private final SaveDecoder decoder = new SaveDecoder(codec);

    @Test
    void savesAreDecodedByTheirMessageType() {
        String task = newTaskId();
        TaskCreated creation = created(task, "e1");
        SubtaskOutcomes results = outcomes(task, done(task, "e1"));

        assertThat(decoder.apply(inbound(TaskCreated.MESSAGE_TYPE, creation))).isEqualTo(new Save.Created(creation));
        assertThat(decoder.apply(inbound(SubtaskOutcomes.MESSAGE_TYPE, results)))
                .isEqualTo(new Save.Outcomes(results));
    }

    @Test
    void aBatchIsDecodedIntoItsPartsCreationsFirst() {
        String a = newTaskId();
        String b = newTaskId();
        TaskCreated createdA = created(a, "e1");
        TaskCreated createdB = created(b, "e1");
        SubtaskOutcomes results = outcomes(a, done(a, "e1"));
        SaveBatch batch = new SaveBatch(List.of(createdA, createdB), List.of(results));

        assertThat(decoder.apply(inbound(SaveBatch.MESSAGE_TYPE, batch))).isEqualTo(new Save.Batch(List.of(
                new Save.Created(createdA), new Save.Created(createdB), new Save.Outcomes(results)), null));
    }

    @Test
    void aBatchWithNoGoodPartIsPoisonAndOneWithSomeKeepsThemAndNamesTheOthers() {
        String a = newTaskId();
        SubtaskOutcome pending = new SubtaskOutcome(a + "@e1", "e1", SubtaskState.PENDING, 1, null, null,
                Items.NONE, null, null);

        assertThatThrownBy(() -> decoder.apply(inbound(SaveBatch.MESSAGE_TYPE,
                new SaveBatch(List.of(), List.of(outcomes(a, pending))))))
                .isInstanceOf(PoisonMessageException.class).hasMessageContaining("1 part(s) left out");
        assertThatThrownBy(() -> decoder.apply(inbound(SaveBatch.MESSAGE_TYPE, new SaveBatch(null, null))))
                .isInstanceOf(PoisonMessageException.class).hasMessage("save.batch has no parts");
        TaskCreated good = created(a, "e1");
        Save.Batch some = (Save.Batch) decoder.apply(inbound(SaveBatch.MESSAGE_TYPE,
                new SaveBatch(List.of(good), List.of(outcomes(a, pending)))));
        assertThat(some.parts()).containsExactly(new Save.Created(good));
        assertThat(some.rejected()).startsWith("save.batch: 1 part(s) left out: subtask.outcomes of " + a);
    }

    @Test
    void anExpiryIsDecodedByItsMessageType() {
        TaskExpiry expiry = new TaskExpiry(newTaskId(), Instant.parse("2026-03-04T05:06:07.089Z"));

        assertThat(decoder.apply(inbound(TaskExpiry.MESSAGE_TYPE, expiry))).isEqualTo(new Save.Expiry(expiry));
    }

    @Test
    void anExpiryWithoutItsTimeIsPoison() {
        String task = newTaskId();

        assertThatThrownBy(() -> decoder.apply(inbound(TaskExpiry.MESSAGE_TYPE, new TaskExpiry(task, null))))
                .isInstanceOf(PoisonMessageException.class).hasMessageContaining("expired_at");
    }

    @Test
    void anOutcomeThatIsNotFinalIsPoison() {
        String task = newTaskId();
        SubtaskOutcome pending = new SubtaskOutcome(task + "@e1", "e1", SubtaskState.PENDING, 1, null, null,
                Items.NONE, null, null);

        assertThatThrownBy(() -> decoder.apply(inbound(SubtaskOutcomes.MESSAGE_TYPE, outcomes(task, pending))))
                .isInstanceOf(PoisonMessageException.class).hasMessageContaining("done, failed or expired");
    }

    @Test
    void aSubtaskIdThatIsNotTaskAtNodeIsPoison() {
        String task = newTaskId();
        SubtaskOutcome foreign = new SubtaskOutcome("other@e1", "e1", SubtaskState.DONE, 1, 200, null, Items.NONE,
                null, null);

        assertThatThrownBy(() -> decoder.apply(inbound(SubtaskOutcomes.MESSAGE_TYPE, outcomes(task, foreign))))
                .isInstanceOf(PoisonMessageException.class).hasMessageContaining(task + "@e1");
    }

    @Test
    void aCreationListingASubtaskTwiceIsPoison() {
        String task = newTaskId();

        assertThatThrownBy(() -> decoder.apply(inbound(TaskCreated.MESSAGE_TYPE, created(task, "e1", "e1"))))
                .isInstanceOf(PoisonMessageException.class).hasMessageContaining("twice");
    }

    private Inbound inbound(String type, Object body) {
        MessageProperties props = new MessageProperties();
        props.setType(type);
        var encoded = codec.encode(body);
        props.setContentEncoding(encoded.contentEncoding());
        return new Inbound(new Message(encoded.body(), props));
    }
}
