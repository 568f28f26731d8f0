package io.purgeline.alert;

import io.purgeline.service.Env;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where alert-worker sends notifications and how it treats alerts, from the environment. A sink is on when its
 * address is set: {@code PURGELINE_ALERT_WEBHOOK_URL} for the webhook, {@code PURGELINE_ALERT_SMTP_HOST} (with
 * {@code PURGELINE_ALERT_EMAIL_TO}) for e-mail.
 *
 * @param window      de-duplication window per alert key; 5 min by default, as ops read a pager
 * @param timeout     one send to a sink gives up after this (connect and answer); 5 s by default
 * @param maxAttempts sends of one notification before it is given up on (logged, kept as {@code failed}); 6 by
 *                    default, about six minutes with the default backoff
 * @param retryBase   wait after the first failed send; each next wait is 4× longer, at most 5 min
 */
record SinkSettings(
        Duration window,
        Duration timeout,
        int maxAttempts,
        Duration retryBase,
        URI webhookUrl,
        WebhookSink.Format webhookFormat,
        String smtpHost,
        int smtpPort,
        String smtpUser,
        String smtpPassword,
        boolean smtpStartTls,
        String emailFrom,
        List<String> emailTo) {

    static SinkSettings from(Env env) {
        Duration window = env.millis("PURGELINE_ALERT_WINDOW_MS", Duration.ofMinutes(5));
        Duration timeout = env.millis("PURGELINE_ALERT_SINK_TIMEOUT_MS", Duration.ofSeconds(5));
        int attempts = env.integer("PURGELINE_ALERT_SINK_ATTEMPTS", 6);
        Duration retry = env.millis("PURGELINE_ALERT_SINK_RETRY_MS", Duration.ofSeconds(1));
        positive("PURGELINE_ALERT_WINDOW_MS", window);
        positive("PURGELINE_ALERT_SINK_TIMEOUT_MS", timeout);
        positive("PURGELINE_ALERT_SINK_RETRY_MS", retry);
        if (attempts < 1) {
            throw new IllegalArgumentException("PURGELINE_ALERT_SINK_ATTEMPTS must be at least 1, got " + attempts);
        }
        String url = env.str("PURGELINE_ALERT_WEBHOOK_URL", null);
        URI webhook = null;
        if (url != null) {
            webhook = URI.create(url);
            if (!"http".equals(webhook.getScheme()) && !"https".equals(webhook.getScheme())
                    || webhook.getHost() == null) {
                throw new IllegalArgumentException("PURGELINE_ALERT_WEBHOOK_URL must be an http(s) URL, got '" + url
                        + "'");
            }
        }
        String format = env.str("PURGELINE_ALERT_WEBHOOK_FORMAT", "generic").toUpperCase(Locale.ROOT);
        WebhookSink.Format webhookFormat = Arrays.stream(WebhookSink.Format.values())
                .filter(f -> f.name().equals(format)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("PURGELINE_ALERT_WEBHOOK_FORMAT must be one of "
                        + "generic, slack, dingtalk, feishu; got '" + format.toLowerCase(Locale.ROOT) + "'"));
        String smtpHost = env.str("PURGELINE_ALERT_SMTP_HOST", null);
        List<String> to = Arrays.stream(env.str("PURGELINE_ALERT_EMAIL_TO", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (smtpHost != null && to.isEmpty()) {
            throw new IllegalArgumentException("PURGELINE_ALERT_SMTP_HOST is set but PURGELINE_ALERT_EMAIL_TO is "
                    + "empty: name at least one recipient");
        }
        return new SinkSettings(window, timeout, attempts, retry, webhook, webhookFormat, smtpHost,
                env.integer("PURGELINE_ALERT_SMTP_PORT", 25), env.str("PURGELINE_ALERT_SMTP_USER", null),
                env.str("PURGELINE_ALERT_SMTP_PASSWORD", null), env.bool("PURGELINE_ALERT_SMTP_STARTTLS", false),
                env.str("PURGELINE_ALERT_EMAIL_FROM", "purgeline@localhost"), to);
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + d.toMillis());
        }
    }
}
