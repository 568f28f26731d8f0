package io.purgeline.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Alert;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.Outgoing;
import io.purgeline.service.Env;
import io.purgeline.testkit.TestNamespace;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page in a real browser: Debian's Chromium, headless, driven through Debian's chromedriver (installed by
 * bin/ensure-services; both paths are given, so Selenium Manager never looks for or downloads anything).
 */
class StatusPageTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static AlertWorker worker;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        ns.database().jdbi().useHandle(h -> {
            h.execute("""
                    INSERT INTO nodes (node_id, address, tier, region, state, created_at, updated_at) VALUES
                    ('edge-17', '10.0.0.17:8090', 1, 'eu-west', 'online', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
                    ('edge-18', '10.0.0.18:8090', 2, 'us-east', 'online', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))""");
            h.execute("""
                    INSERT INTO tasks (task_id, api_id, type, targets, priority, lane, state, total, accepted_at,
                        deadline_at) VALUES
                    ('t1', 'customer-a', 'refresh', '[]', 5, 'fast', 'running', 2, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
                    ('t2', 'customer-a', 'refresh', '[]', 5, 'fast', 'completed', 2, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)),
                    ('t3', 'customer-b', 'refresh', '[]', 5, 'fast', 'failed', 2, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))""");
        });
        OfflineNodes nodes = new OfflineNodes(ns.redis(), ns.keys(), ns.config().codec());
        nodes.heartbeat("edge-17", System.currentTimeMillis());
        nodes.heartbeat("edge-18", System.currentTimeMillis());
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = AlertWorker.start(new Env(env));

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        worker.close();
    }

    private static String stateOf(String rowId) {
        return browser.findElement(By.id(rowId)).getAttribute("data-state");
    }

    @Test
    void aNodeGoingOfflineShowsOnThePageWithinSeconds() {
        browser.get("http://127.0.0.1:" + worker.port() + "/status");
        assertThat(browser.getTitle()).isEqualTo("purgeline status");
        assertThat(stateOf("node-edge-17")).isEqualTo("online");
        WebElement row = browser.findElement(By.id("node-edge-17"));
        assertThat(row.getText()).contains("eu-west", "10.0.0.17:8090");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> browser.findElement(By.id("modules")).getText().contains("alert-worker"));

        // What dispatch-worker's watchdog does when the node misses its heartbeats, and the alert it raises.
        new OfflineNodes(ns.redis(), ns.keys(), ns.config().codec())
                .markOffline("edge-17", "missed heartbeats", System.currentTimeMillis());
        ns.redis().rpush(ns.keys().parked("edge-17"), "{}", "{}", "{}");
        Alert alert = new Alert("dispatch-worker", Alert.WARNING, OfflineNodes.WENT_OFFLINE,
                "node edge-17 is offline: no heartbeat for 15 s", null, "edge-17", Instant.now(), null);
        ns.publisher().publish(Outgoing.of(ns.topology().alertsExchange(), alert.routingKey(), "alert", alert));

        // No reload from the test: the page refreshes itself.
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> "offline".equals(stateOf("node-edge-17")));
        String node = browser.findElement(By.id("node-edge-17")).getText();
        assertThat(node).contains("missed heartbeats").endsWith("3");
        assertThat(stateOf("node-edge-18")).isEqualTo("online");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> browser.findElement(By.id("alerts")).getText()
                        .contains("node edge-17 is offline: no heartbeat for 15 s"));
    }

    @Test
    void thePageShowsQueuesAndTasksByCustomerAndState() {
        browser.get("http://127.0.0.1:" + worker.port() + "/status");
        String tasks = browser.findElement(By.id("tasks-customer-a")).getText();
        assertThat(tasks).isEqualTo("customer-a 0 1 1 0 0");
        assertThat(browser.findElement(By.id("tasks-customer-b")).getText()).isEqualTo("customer-b 0 0 0 1 0");
        String queues = browser.findElement(By.id("queues")).getText();
        assertThat(queues).contains("lane fast " + ns.topology().laneQueue(io.purgeline.contracts.Lane.FAST) + " 0",
                "dead dispatch.dead", "area saves.1");
    }
}
