package io.purgeline.dispatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.runtime.OutcomeGrouper;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.SaveBatcher;
import io.purgeline.runtime.StoredDeliveries;
import io.purgeline.runtime.Topology;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What follows a node's answer to its batch, off the HTTP client's threads: results the answer carried are saved
 * (grouped with other answers' into one confirmed publish, then their in-flight timers are removed, as callback-worker
 * does for callbacks; if the save fails, the timers send the subtasks again and the agent answers from memory);
 * re-sends that found the agent still
 * working keep their attempt; nodes that did not answer are marked offline and their work parked; other failures are
 * retried through the retry queues or, out of attempts, recorded failed, dead-lettered and alerted. Only then are the
 * failed parcels' in-flight timers removed: a crash before that leaves the timers to send the work again, so nothing
 * handed to a node is ever lost after its lane message was acked.
 */
final class DeliveryOutcomes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryOutcomes.class);

    private final SaveBatcher saves;
    private final RetryPolicy retries;
    private final OfflineParking parking;
    private final InflightDeliveries inflight;
    private final Publisher publisher;
    private final Topology topology;
    private final Alerts alerts;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "dispatch-answers");
        t.setDaemon(true);
        return t;
    });

    DeliveryOutcomes(SaveBatcher saves, RetryPolicy retries, OfflineParking parking, InflightDeliveries inflight, Publisher publisher,
            Topology topology, Alerts alerts, Clock clock, MeterRegistry metrics) {
        this.saves = saves;
        this.retries = retries;
        this.parking = parking;
        this.inflight = inflight;
        this.publisher = publisher;
        this.topology = topology;
        this.alerts = alerts;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Takes a node's answer (one delivery per parcel); handles it on a thread of its own. */
    void answered(List<Parcel> parcels, List<Delivery> deliveries) {
        try {
            threads.execute(() -> {
                try {
                    handle(parcels, deliveries);
                } catch (RuntimeException e) {
                    log.error("handling the answer to {} parcel(s) failed; their in-flight timers will send them"
                            + " again", parcels.size(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            log.warn("stopping: the answer to {} parcel(s) is left to their in-flight timers", parcels.size());
        }
    }

    void handle(List<Parcel> parcels, List<Delivery> deliveries) {
        saveResults(deliveries);
        // Per lane message: retries and failures are planned per task, as the message carries the task.
        Map<DispatchMessage, List<Integer>> byMessage = new IdentityHashMap<>();
        for (int i = 0; i < parcels.size(); i++) {
            byMessage.computeIfAbsent(parcels.get(i).message(), m -> new ArrayList<>()).add(i);
        }
        List<DispatchMessage> running = new ArrayList<>();
        List<Outgoing> out = new ArrayList<>();
        List<Runnable> alertsAfterPublish = new ArrayList<>();
        List<InflightDeliveries.Due> sentAgainOrGivenUp = new ArrayList<>();
        byMessage.forEach((message, indexes) -> {
            Lane lane = parcels.get(indexes.get(0)).lane();
            List<Delivery> failures = new ArrayList<>();
            for (int i : indexes) {
                Delivery d = deliveries.get(i);
                if (d.ok()) {
                    if (d.stillRunning() && d.assignment().attempt() > 1) {
                        running.add(StoredDeliveries.assignmentOnly(message, d.assignment().previousAttempt()));
                    }
                } else {
                    failures.add(d);
                    Parcel p = parcels.get(i);
                    sentAgainOrGivenUp.add(new InflightDeliveries.Due(p.assignment().subtaskId(), p.dueMillis(),
                            null));
                }
            }
            count(lane, "accepted", indexes.size() - failures.size());
            count(lane, "failed", failures.size());
            if (!failures.isEmpty()) {
                out.addAll(planFailures(message, lane, failures, indexes.size(), alertsAfterPublish));
            }
        });
        // A re-send that finds the agent still working on the subtask (a long queue, a slow cache) was a check, not a
        // failed attempt: the stored delivery goes back to the attempt it had, so a node busy but alive is never
        // recorded failed for it. Its task's deadline still bounds the wait.
        inflight.replaceIfPending(running);
        if (!running.isEmpty()) {
            log.info("{} node subtask(s) still being worked on; attempts not counted", running.size());
        }
        publisher.publish(out);
        alertsAfterPublish.forEach(Runnable::run);
        inflight.removeIfUnchanged(sentAgainOrGivenUp);
    }

    /** Hands the results the answer carried to the group commit; one node's answer, so one node. */
    private void saveResults(List<Delivery> deliveries) {
        List<SubtaskResult> results = new ArrayList<>();
        Map<String, Integer> attempts = new HashMap<>();
        for (Delivery d : deliveries) {
            if (d.result() != null) {
                results.add(d.result());
                attempts.put(d.assignment().subtaskId(), d.assignment().attempt());
            }
        }
        if (results.isEmpty()) {
            return;
        }
        String nodeId = deliveries.get(0).assignment().nodeId();
        metrics.counter("purgeline_dispatch_answered_results_total").increment(results.size());
        saves.save(OutcomeGrouper.group(nodeId, results, clock.instant(), attempts::get))
                .whenComplete((saved, error) -> {
                    if (error != null) {
                        log.warn("{} result(s) of node {} from its answer not saved ({}); their in-flight timers will"
                                + " send them again", results.size(), nodeId, error.getMessage());
                    }
                });
    }

    /** Plans retries and failures; the alerts of nodes given up on wait for the dead letters they name. */
    private List<Outgoing> planFailures(DispatchMessage message, Lane lane, List<Delivery> failures, int sent,
            List<Runnable> alertsAfterPublish) {
        List<Delivery> left = parking.parkUnanswered(message, failures);
        RetryPolicy.Plan plan = retries.plan(message, lane, left, clock.instant());
        log.info("task {}: {} of {} node(s) did not accept their batch; {} parked (node offline), {} will be retried,"
                        + " {} recorded failed", message.taskId(), failures.size(), sent,
                failures.size() - left.size(), left.size() - plan.givenUp().size(), plan.givenUp().size());
        for (Delivery d : plan.givenUp()) {
            metrics.counter("purgeline_dispatch_nodes_failed_total", "lane", lane.wire()).increment();
            alertsAfterPublish.add(() -> alerts.raise(Alert.WARNING, d.unanswered() ? "node_unreachable" : "delivery_failed", "task "
                            + message.taskId() + " on node " + d.assignment().nodeId() + ": " + d.finalReason()
                            + "; the delivery is parked in " + topology.deadQueue(Topology.Area.DISPATCH),
                    message.taskId(), d.assignment().nodeId(), Map.of("subtask_id", d.assignment().subtaskId(),
                            "address", String.valueOf(d.assignment().address()),
                            "attempts", Integer.toString(d.assignment().attempt()))));
        }
        return plan.messages();
    }

    private void count(Lane lane, String result, int n) {
        if (n > 0) {
            metrics.counter("purgeline_dispatch_deliveries_total", "lane", lane.wire(), "result", result).increment(n);
        }
    }

    /** Finishes the answers handed in (close after the outboxes, which hand them in). */
    @Override
    public void close() throws InterruptedException {
        threads.shutdown();
        if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
            log.warn("stopping with answers unhandled; their in-flight timers will send that work again");
            threads.shutdownNow();
        }
    }
}
