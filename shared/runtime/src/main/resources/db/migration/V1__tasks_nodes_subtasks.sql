-- Cache nodes and their agents. address is the agent's host:port.
CREATE TABLE nodes (
    node_id     VARCHAR(64)  NOT NULL PRIMARY KEY,
    address     VARCHAR(255) NOT NULL,
    tier        TINYINT      NOT NULL DEFAULT 2,
    region      VARCHAR(64)  NOT NULL DEFAULT 'default',
    state       VARCHAR(16)  NOT NULL DEFAULT 'online',
    created_at  DATETIME(3)  NOT NULL,
    updated_at  DATETIME(3)  NOT NULL
) ENGINE = InnoDB;

-- One row per accepted task. Written only by the saver; counters are exact copies of subtask states.
CREATE TABLE tasks (
    task_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    api_id       VARCHAR(64)  NOT NULL,
    type         VARCHAR(16)  NOT NULL,
    targets      MEDIUMTEXT   NOT NULL COMMENT 'JSON array of URLs, directories or tags',
    options      TEXT         NULL     COMMENT 'JSON object',
    priority     TINYINT      NOT NULL,
    lane         VARCHAR(8)   NOT NULL,
    state        VARCHAR(16)  NOT NULL,
    total        INT          NOT NULL,
    done         INT          NOT NULL DEFAULT 0,
    failed       INT          NOT NULL DEFAULT 0,
    expired      INT          NOT NULL DEFAULT 0,
    accepted_at  DATETIME(3)  NOT NULL,
    deadline_at  DATETIME(3)  NOT NULL,
    finished_at  DATETIME(3)  NULL,
    event_sent   BOOLEAN      NOT NULL DEFAULT FALSE COMMENT 'final event confirmed by the broker',
    KEY tasks_by_customer (api_id, accepted_at),
    KEY tasks_by_deadline (state, deadline_at)
) ENGINE = InnoDB;

-- The work of one task on one node.
CREATE TABLE subtasks (
    subtask_id   VARCHAR(160)  NOT NULL PRIMARY KEY,
    task_id      VARCHAR(64)   NOT NULL,
    node_id      VARCHAR(64)   NOT NULL,
    tier         TINYINT       NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    attempts     INT           NOT NULL DEFAULT 0,
    http_code    INT           NULL,
    last_error   VARCHAR(1024) NULL,
    items        MEDIUMTEXT    NULL COMMENT 'JSON array of per-target results',
    started_at   DATETIME(3)   NULL,
    finished_at  DATETIME(3)   NULL,
    updated_at   DATETIME(3)   NOT NULL,
    KEY subtasks_by_task (task_id)
) ENGINE = InnoDB;
