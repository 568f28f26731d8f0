package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.Node;
import io.purgeline.contracts.Scope;
import io.purgeline.contracts.SubtaskRef;
import io.purgeline.contracts.TaskCreated;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TaskExpanderTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final TaskValidator validator = new TaskValidator(TaskValidator.DEFAULT_MAX_TARGETS);
    private final TaskExpander expander = new TaskExpander(TaskExpander.DEFAULT_CHUNK);

    private static final List<Node> FLEET = List.of(
            new Node("edge-b", "10.0.0.2:8090", 2, "eu-west", "online"),
            new Node("edge-a", "10.0.0.1:8090", 2, "eu-west", "offline"),
            new Node("edge-us", "10.0.1.1:8090", 2, "us-east", "online"),
            new Node("parent-eu", "10.0.0.9:8090", 1, "eu-west", "online"),
            new Node("edge-drained", "10.0.0.3:8090", 2, "eu-west", "drained"),
            new Node("edge-removed", "10.0.0.4:8090", 2, "eu-west", "removed"));

    private ValidTask task(Submissions s) {
        return validator.validate(s.taskId("t1").build());
    }

    private static List<String> nodeIds(Expansion e) {
        return e.created().subtasks().stream().map(SubtaskRef::nodeId).toList();
    }

    @Test
    void withoutScopeEveryOnlineAndOfflineNodeGetsOneSubtaskOrderedByTierThenId() {
        Expansion e = expander.expand(task(Submissions.refresh("https://a.example/x")), FLEET, NOW);

        assertThat(e.created().subtasks()).containsExactly(
                new SubtaskRef("t1@parent-eu", "parent-eu", 1),
                new SubtaskRef("t1@edge-a", "edge-a", 2),
                new SubtaskRef("t1@edge-b", "edge-b", 2),
                new SubtaskRef("t1@edge-us", "edge-us", 2));
        assertThat(e.total()).isEqualTo(4);
    }

    @Test
    void regionsRestrictTheNodes() {
        Expansion e = expander.expand(task(Submissions.refresh("https://a.example/x")
                .scope(new Scope(List.of("us-east"), null, null))), FLEET, NOW);

        assertThat(nodeIds(e)).containsExactly("edge-us");
    }

    @Test
    void tiersRestrictTheNodes() {
        Expansion e = expander.expand(task(Submissions.refresh("https://a.example/x")
                .scope(new Scope(null, List.of(1), null))), FLEET, NOW);

        assertThat(nodeIds(e)).containsExactly("parent-eu");
    }

    @Test
    void nodeIdsRestrictTheNodes() {
        Expansion e = expander.expand(task(Submissions.refresh("https://a.example/x")
                .scope(new Scope(null, null, List.of("edge-us", "edge-a")))), FLEET, NOW);

        assertThat(nodeIds(e)).containsExactly("edge-a", "edge-us");
    }

    @Test
    void everyRestrictionOfTheScopeMustHold() {
        Expansion e = expander.expand(task(Submissions.refresh("https://a.example/x")
                .scope(new Scope(List.of("eu-west"), List.of(2), List.of("edge-b", "edge-us", "parent-eu")))),
                FLEET, NOW);

        assertThat(nodeIds(e)).containsExactly("edge-b");
    }

    @Test
    void drainedAndRemovedNodesGetNoWorkEvenWhenNamed() {
        Expansion e = expander.expand(task(Submissions.refresh("https://a.example/x")
                .scope(new Scope(null, null, List.of("edge-b", "edge-drained", "edge-removed")))), FLEET, NOW);

        assertThat(nodeIds(e)).containsExactly("edge-b");
    }

    @Test
    void aScopeNoNodeMatchesIsRejected() {
        assertThatThrownBy(() -> expander.expand(task(Submissions.refresh("https://a.example/x")
                .scope(new Scope(List.of("ap-south"), null, null))), FLEET, NOW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("no registered node matches the scope");
        assertThatThrownBy(() -> expander.expand(task(Submissions.refresh("https://a.example/x")), List.of(), NOW))
                .hasMessage("no registered node matches the scope");
    }

    @Test
    void aScopeNamingAnUnregisteredNodeIsRejected() {
        assertThatThrownBy(() -> expander.expand(task(Submissions.refresh("https://a.example/x")
                .scope(new Scope(null, null, List.of("edge-b", "edge-zz")))), FLEET, NOW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("scope.nodes names node 'edge-zz', which is not registered");
    }

    @Test
    void refreshesOfUpToAHundredUrlsTakeTheFastLane() {
        String[] hundred = IntStream.range(0, 100).mapToObj(i -> "https://a.example/" + i).toArray(String[]::new);
        String[] hundredOne = IntStream.range(0, 101).mapToObj(i -> "https://a.example/" + i).toArray(String[]::new);

        assertThat(expander.expand(task(Submissions.refresh(hundred)), FLEET, NOW).created().lane())
                .isEqualTo(Lane.FAST);
        assertThat(expander.expand(task(Submissions.refresh(hundredOne)), FLEET, NOW).created().lane())
                .isEqualTo(Lane.SLOW);
    }

    @Test
    void directoryTagAndPrefetchTasksTakeTheSlowLane() {
        assertThat(expander.expand(task(Submissions.refreshDir("https://a.example/d/")), FLEET, NOW).created().lane())
                .isEqualTo(Lane.SLOW);
        assertThat(expander.expand(task(Submissions.refreshTag("t")), FLEET, NOW).created().lane())
                .isEqualTo(Lane.SLOW);
        assertThat(expander.expand(task(Submissions.prefetch("https://a.example/x")), FLEET, NOW).created().lane())
                .isEqualTo(Lane.SLOW);
    }

    @Test
    void nodesAreChunkedIntoDispatchMessagesOfAtMostTheChunkSize() {
        List<Node> fleet = IntStream.range(0, 120)
                .mapToObj(i -> new Node(String.format("edge-%03d", i), "10.1.0." + i + ":8090", 2, "eu", "online"))
                .toList();

        Expansion e = expander.expand(task(Submissions.refresh("https://a.example/x")), fleet, NOW);

        assertThat(e.dispatches()).extracting(m -> m.assignments().size()).containsExactly(50, 50, 20);
        List<Assignment> all = e.dispatches().stream().flatMap(m -> m.assignments().stream()).toList();
        assertThat(all).extracting(Assignment::nodeId)
                .containsExactlyElementsOf(fleet.stream().map(Node::nodeId).toList());
        assertThat(all.get(7)).isEqualTo(new Assignment("t1@edge-007", "edge-007", "10.1.0.7:8090", 1));
    }

    @Test
    void theChunkSizeIsConfigurable() {
        Expansion e = new TaskExpander(2).expand(task(Submissions.refresh("https://a.example/x")), FLEET, NOW);

        assertThat(e.dispatches()).extracting(m -> m.assignments().size()).containsExactly(2, 2);
    }

    @Test
    void theSaveAndEveryDispatchCarryTheTaskWithItsDeadline() {
        ValidTask t = task(Submissions.refresh("https://a.example/x", "https://a.example/y").priority(8)
                .deadlineS(120).apiId("cust-9"));

        Expansion e = expander.expand(t, FLEET, NOW);

        TaskCreated c = e.created();
        assertThat(c.taskId()).isEqualTo("t1");
        assertThat(c.apiId()).isEqualTo("cust-9");
        assertThat(c.targets()).containsExactly("https://a.example/x", "https://a.example/y");
        assertThat(c.priority()).isEqualTo(8);
        assertThat(c.acceptedAt()).isEqualTo(NOW);
        assertThat(c.deadlineAt()).isEqualTo(NOW.plusSeconds(120));
        DispatchMessage m = e.dispatches().get(0);
        assertThat(m.taskId()).isEqualTo("t1");
        assertThat(m.type()).isEqualTo(t.type());
        assertThat(m.targets()).isEqualTo(c.targets());
        assertThat(m.priority()).isEqualTo(8);
        assertThat(m.lane()).isEqualTo(Lane.FAST);
        assertThat(m.deadlineAt()).isEqualTo(c.deadlineAt());
        assertThat(m.options()).isEqualTo(t.options());
    }
}
