package io.purgeline.service;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import com.google.gson.Gson;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * The logging of every purgeline process, found by Logback as a service: one JSON object per line on stdout (the
 * Logstash encoder: MDC such as {@code task_id}, structured arguments), a {@code service} field naming the process
 * ({@code PURGELINE_WORKER}, default {@code purgeline}), the root level from {@code PURGELINE_LOG_LEVEL} (default
 * {@code INFO}) and the chatty libraries at {@code WARN}. Each setting is read as a system property, else from the
 * environment. A file named by {@code -Dlogback.configurationFile} takes over.
 *
 * <p>Set up in code rather than from a {@code logback.xml}: reading the XML loaded about 470 classes (an XML parser
 * and Logback's configuration model) into every JVM for one use at its start, 4 MB of an agent's resident memory, and
 * the agent runs beside the cache on every edge.
 */
public final class JsonLogging extends ContextAwareBase implements Configurator {
    /** Libraries whose INFO lines say nothing an operator needs. */
    private static final List<String> QUIET = List.of("org.eclipse.jetty", "org.springframework",
            "com.zaxxer.hikari", "org.flywaydb", "com.rabbitmq");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setCustomFields(new Gson().toJson(Map.of("service", setting("PURGELINE_WORKER", "purgeline"))));
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("JSON");
        console.setEncoder(encoder);
        console.start();
        for (String name : QUIET) {
            context.getLogger(name).setLevel(Level.WARN);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(setting("PURGELINE_LOG_LEVEL", "INFO"), Level.INFO));
        root.addAppender(console);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? fallback : value;
    }
}
