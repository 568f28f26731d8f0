package io.purgeline.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.HashMap;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JsonLoggingTest {
    @Test
    void everyProcessLogsThroughItWithoutAnXmlFile() {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);

        assertThat(root.getAppender("JSON")).isInstanceOfSatisfying(OutputStreamAppender.class,
                json -> assertThat(json.getEncoder()).isInstanceOf(LogstashEncoder.class));
        assertThat(JsonLogging.class.getResource("/logback.xml")).isNull();
    }

    @Test
    void aLineIsOneJsonObjectNamingTheServiceWithTheMdcAndTheChattyLibrariesAtWarn() {
        LoggerContext context = configured(Map.of("PURGELINE_WORKER", "dispatch-worker"));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("io.purgeline.x"), Level.INFO,
                "purged {} on \"{}\"", null, new Object[] {"/a.js", "n1"});
        event.setMDCPropertyMap(Map.of("task_id", "t-1"));

        String line = new String(appender(root).getEncoder().encode(event), UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        assertThat(json.get("message").getAsString()).isEqualTo("purged /a.js on \"n1\"");
        assertThat(json.get("service").getAsString()).isEqualTo("dispatch-worker");
        assertThat(json.get("task_id").getAsString()).isEqualTo("t-1");
        assertThat(json.get("level").getAsString()).isEqualTo("INFO");
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.eclipse.jetty.server.Server").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("com.rabbitmq.client").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.purgeline.dispatch").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void theLevelAndTheServiceComeFromSystemPropertiesWithDefaults() {
        assertThat(configured(Map.of("PURGELINE_LOG_LEVEL", "ERROR")).getLogger(Logger.ROOT_LOGGER_NAME).getLevel())
                .isEqualTo(Level.ERROR);
        LoggerContext unnamed = configured(Map.of());
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), unnamed.getLogger("x"), Level.WARN, "m", null,
                null);
        event.setMDCPropertyMap(Map.of());
        String line = new String(appender(unnamed.getLogger(Logger.ROOT_LOGGER_NAME)).getEncoder().encode(event),
                UTF_8);
        assertThat(JsonParser.parseString(line).getAsJsonObject().get("service").getAsString()).isEqualTo("purgeline");
    }

    @Test
    void aConfigurationFileNamedOnTheCommandLineTakesOver() {
        LoggerContext context = new LoggerContext();
        JsonLogging logging = new JsonLogging();
        logging.setContext(context);
        System.setProperty("logback.configurationFile", "/etc/purgeline/logback.xml");
        try {
            assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        } finally {
            System.clearProperty("logback.configurationFile");
        }
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("JSON")).isNull();
    }

    /** A fresh context configured with these system properties set for the while. */
    private static LoggerContext configured(Map<String, String> properties) {
        LoggerContext context = new LoggerContext();
        JsonLogging logging = new JsonLogging();
        logging.setContext(context);
        Map<String, String> before = new HashMap<>();
        for (String name : new String[] {"PURGELINE_WORKER", "PURGELINE_LOG_LEVEL"}) {
            before.put(name, System.getProperty(name));
            System.clearProperty(name);
        }
        properties.forEach(System::setProperty);
        try {
            assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        } finally {
            before.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
        return context;
    }

    @SuppressWarnings("unchecked")
    private static OutputStreamAppender<ILoggingEvent> appender(Logger root) {
        return (OutputStreamAppender<ILoggingEvent>) root.getAppender("JSON");
    }
}
