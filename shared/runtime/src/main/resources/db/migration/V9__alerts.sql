-- Alert history and delivery (issue 9), written only by alert-worker.

-- Every alert alert-worker took from {ns}.alerts, recorded before the message is acked.
CREATE TABLE alerts (
    alert_id     BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    message_id   VARCHAR(64)   NULL     COMMENT 'AMQP message id: a redelivered alert is recorded once',
    source       VARCHAR(64)   NOT NULL,
    severity     VARCHAR(16)   NOT NULL,
    kind         VARCHAR(64)   NOT NULL,
    subject      VARCHAR(255)  NOT NULL COMMENT 'what the alert is about: node, module, queue, task',
    message      VARCHAR(2048) NOT NULL,
    task_id      VARCHAR(64)   NULL,
    node_id      VARCHAR(64)   NULL,
    details      TEXT          NULL     COMMENT 'JSON object',
    raised_at    DATETIME(3)   NOT NULL,
    received_at  DATETIME(3)   NOT NULL,
    notified     BOOLEAN       NOT NULL COMMENT 'false: a repeat within its window, counted in the summary',
    UNIQUE KEY alerts_by_message (message_id),
    KEY alerts_by_kind (kind, alert_id),
    KEY alerts_by_time (received_at)
) ENGINE = InnoDB;

-- The open de-duplication window of an alert key (kind + subject); closed (deleted) by the window closer.
CREATE TABLE alert_windows (
    alert_key      VARCHAR(320)  NOT NULL PRIMARY KEY,
    kind           VARCHAR(64)   NOT NULL,
    subject        VARCHAR(255)  NOT NULL,
    severity       VARCHAR(16)   NOT NULL,
    first_alert_id BIGINT        NOT NULL,
    first_message  VARCHAR(2048) NOT NULL,
    opened_at      DATETIME(3)   NOT NULL,
    closes_at      DATETIME(3)   NOT NULL,
    repeats        INT           NOT NULL DEFAULT 0,
    KEY alert_windows_by_close (closes_at)
) ENGINE = InnoDB;

-- What each sink still has to send (an outbox): one row per notification and sink.
CREATE TABLE alert_outbox (
    outbox_id       BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sink            VARCHAR(32)   NOT NULL,
    notification    TEXT          NOT NULL COMMENT 'JSON Notification',
    state           VARCHAR(16)   NOT NULL COMMENT 'pending, sent or failed (given up)',
    attempts        INT           NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(3)   NOT NULL,
    claimed_by      VARCHAR(128)  NULL,
    claimed_until   DATETIME(3)   NULL,
    last_error      VARCHAR(1024) NULL,
    created_at      DATETIME(3)   NOT NULL,
    sent_at         DATETIME(3)   NULL,
    KEY alert_outbox_due (sink, state, next_attempt_at),
    KEY alert_outbox_by_time (created_at)
) ENGINE = InnoDB;
