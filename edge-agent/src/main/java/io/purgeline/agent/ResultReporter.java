package io.purgeline.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Encoded;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.service.NodeLinkKeys;
import io.purgeline.service.SignedPost;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports finished subtasks to their batch's {@code callback_api}, signed. Per callback API, one callback is on its
 * way at a time and carries every result that finished meanwhile (up to {@link #MAX_RESULTS_PER_CALLBACK}): a quiet
 * node reports each result at once, a busy one reports many in one exchange instead of one request per subtask. A
 * callback that fails for a reason that may pass (unreachable, timeout, 5xx, 429) is retried with growing pauses,
 * beside the next ones; one refused outright (other 4xx) or failing every time is logged as an error: the
 * dispatcher's in-flight sweeper then treats its subtasks as unanswered.
 */
public final class ResultReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ResultReporter.class);

    /**
     * Pauses before each further attempt: doubling to 30 s, about 2.5 minutes in all. A result the agent holds on to
     * through a callback-worker or broker outage arrives when it ends; one it dropped would only come back through the
     * dispatcher's in-flight timeout, as a second delivery of the whole subtask. Each pause is at least a second so
     * that a retry is signed with a new timestamp and is not refused as a replay.
     */
    public static final List<Duration> DEFAULT_BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofSeconds(30),
            Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));

    /** Results per callback at most: a body of a few hundred KiB even with many URLs per subtask. */
    static final int MAX_RESULTS_PER_CALLBACK = 500;

    /**
     * The most a stopping agent waits for callbacks still on their way: well inside its graceful-stop budget; what is
     * still undelivered then is re-sent by the dispatcher's in-flight timeout and answered from the next agent's work.
     */
    static final Duration STOP_WAIT = Duration.ofSeconds(20);

    private final HttpClient client;
    private final Codec codec;
    private final NodeLinkKeys keys;
    private final String nodeId;
    private final Duration timeout;
    private final List<Duration> backoff;
    private final ScheduledExecutorService scheduler;
    private final Counter delivered;
    private final Counter lost;
    private final Object idle = new Object();
    private int pending;
    private final Set<String> onTheirWay = ConcurrentHashMap.newKeySet();
    private final Map<URI, Courier> couriers = new ConcurrentHashMap<>();

    /** @param scheduler runs the delayed retries; shared with other parts of the agent, it is not shut down here */
    public ResultReporter(HttpClient client, Codec codec, NodeLinkKeys keys, Duration timeout,
            List<Duration> backoff, ScheduledExecutorService scheduler, MeterRegistry metrics) {
        this.client = client;
        this.codec = codec;
        this.keys = keys;
        this.nodeId = keys.nodeId();
        this.timeout = timeout;
        this.backoff = List.copyOf(backoff);
        this.scheduler = scheduler;
        this.delivered = metrics.counter("purgeline_agent_callbacks_total", "node", nodeId, "result", "delivered");
        this.lost = metrics.counter("purgeline_agent_callbacks_total", "node", nodeId, "result", "lost");
    }

    /**
     * What the agent remembers of a result to report it again: the callback body that reports it alone, its items in
     * the rows an answer carries them in ({@link Items#rows}), written once for both. Every result is remembered and
     * few are asked for again: writing objects with their targets for every one was a tenth of the simulated fleet's
     * processor.
     */
    public Encoded encode(SubtaskResult result) {
        SubtaskResult remembered = result.items() == null ? result : new SubtaskResult(result.subtaskId(),
                result.taskId(), result.callbackToken(), result.state(), result.items().rows(), result.startedAt(),
                result.finishedAt());
        return codec.encode(new AgentCallback(nodeId, List.of(remembered)));
    }

    /**
     * Reports a result in the background; returns at once. A subtask whose result is still on its way (being retried
     * through an outage) is not reported a second time: when the dispatcher re-sends such a subtask, a second
     * callback would only double the load on a callback path that is already behind.
     */
    public void report(URI callbackApi, SubtaskResult result) {
        if (!onTheirWay.add(result.subtaskId())) {
            return;
        }
        synchronized (idle) {
            pending++;
        }
        couriers.computeIfAbsent(callbackApi, Courier::new).add(result);
    }

    /**
     * The result a remembered body (made by {@link #encode}) holds, for the subtask sent again with these targets:
     * its items made again with their targets, reported or answered as first made.
     */
    public SubtaskResult decode(Encoded remembered, List<String> targets) {
        SubtaskResult r = codec.decode(remembered.body(), remembered.contentEncoding(), AgentCallback.class)
                .results().get(0);
        return r.items() == null ? r : new SubtaskResult(r.subtaskId(), r.taskId(), r.callbackToken(), r.state(),
                r.items().withTargets(targets), r.startedAt(), r.finishedAt());
    }

    /** One callback API's results: those waiting, and whether a callback is on its way there. */
    private final class Courier {
        private final URI callbackApi;
        private final ArrayDeque<SubtaskResult> waiting = new ArrayDeque<>();
        private boolean sending;

        Courier(URI callbackApi) {
            this.callbackApi = callbackApi;
        }

        synchronized void add(SubtaskResult result) {
            waiting.add(result);
            if (!sending) {
                sending = true;
                sendNext();
            }
        }

        /** Called holding the lock, with {@code sending} set and results waiting. */
        private void sendNext() {
            List<SubtaskResult> batch = new ArrayList<>(Math.min(waiting.size(), MAX_RESULTS_PER_CALLBACK));
            while (!waiting.isEmpty() && batch.size() < MAX_RESULTS_PER_CALLBACK) {
                batch.add(waiting.poll());
            }
            attempt(callbackApi, batch, 1, this::next);
        }

        private synchronized void next() {
            if (waiting.isEmpty()) {
                sending = false;
            } else {
                sendNext();
            }
        }
    }

    /** Sends one callback; {@code then} runs once this attempt has an answer (retries go on beside later callbacks). */
    private void attempt(URI callbackApi, List<SubtaskResult> results, int attempt, Runnable then) {
        SignedPost.send(client, callbackApi, codec.encode(new AgentCallback(nodeId, results)), keys.nodeId(),
                        keys.signing(), timeout)
                .whenComplete((response, error) -> {
                    try {
                        String failure = error != null ? describe(error) : failureOf(response);
                        if (failure == null) {
                            delivered.increment(results.size());
                            finished(results);
                        } else if (attempt <= backoff.size() && (error != null || retryable(response.getStatus()))) {
                            log.warn("{} result(s), first of subtask {}, not accepted by {} (attempt {}): {};"
                                    + " retrying", results.size(), results.get(0).subtaskId(), callbackApi, attempt,
                                    failure);
                            retryLater(callbackApi, results, attempt);
                        } else {
                            giveUp(callbackApi, results, attempt, failure);
                        }
                    } finally {
                        then.run();
                    }
                });
    }

    private void retryLater(URI callbackApi, List<SubtaskResult> results, int attempt) {
        try {
            scheduler.schedule(() -> attempt(callbackApi, results, attempt + 1, () -> {}),
                    backoff.get(attempt - 1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            giveUp(callbackApi, results, attempt, "the agent is stopping");
        }
    }

    private void giveUp(URI callbackApi, List<SubtaskResult> results, int attempts, String failure) {
        log.error("{} result(s), first of subtask {}, could not be delivered to {} after {} attempt(s): {}",
                results.size(), results.get(0).subtaskId(), callbackApi, attempts, failure);
        lost.increment(results.size());
        finished(results);
    }

    private void finished(List<SubtaskResult> results) {
        results.forEach(r -> onTheirWay.remove(r.subtaskId()));
        synchronized (idle) {
            pending -= results.size();
            idle.notifyAll();
        }
    }

    /** Results waiting, on their way, or waiting for a retry. */
    public int pending() {
        synchronized (idle) {
            return pending;
        }
    }
    private static String failureOf(ContentResponse response) {
        int status = response.getStatus();
        if (status / 100 == 2) {
            return null;
        }
        return "answered " + status + " " + response.getContentAsString();
    }

    private static boolean retryable(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof ExecutionException || error instanceof CompletionException
                ? error.getCause() : error;
        if (t instanceof TimeoutException) {
            return "no answer within the callback timeout";
        }
        return t == null || t.getMessage() == null ? String.valueOf(t) : t.getMessage();
    }

    /**
     * Waits (bounded by the retry schedule and {@link #STOP_WAIT}) for callbacks still on their way, so that a
     * stopping agent delivers what it has done.
     */
    @Override
    public void close() throws InterruptedException {
        long budget = Math.min(STOP_WAIT.toMillis(), backoff.stream().mapToLong(Duration::toMillis).sum()
                + (backoff.size() + 1) * timeout.toMillis());
        long deadline = System.currentTimeMillis() + budget;
        synchronized (idle) {
            while (pending > 0 && System.currentTimeMillis() < deadline) {
                idle.wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            if (pending > 0) {
                log.error("stopping with {} result callback(s) undelivered", pending);
            }
        }
    }
}
