-- Customers: who may submit tasks, with which keys, for which domains. Written only by ingest.
CREATE TABLE customers (
    api_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    state       VARCHAR(16)  NOT NULL DEFAULT 'active' COMMENT 'active | disabled',
    created_at  DATETIME(3)  NOT NULL,
    updated_at  DATETIME(3)  NOT NULL
) ENGINE = InnoDB;

-- A customer's access keys; several at once so that a key is rotated without downtime.
CREATE TABLE customer_keys (
    access_key     VARCHAR(64)    NOT NULL PRIMARY KEY,
    api_id         VARCHAR(64)    NOT NULL,
    secret_sealed  VARBINARY(255) NOT NULL COMMENT 'AES-256-GCM under PURGELINE_CUSTOMER_MASTER_KEY: nonce, ciphertext, tag',
    state          VARCHAR(16)    NOT NULL DEFAULT 'active' COMMENT 'active | revoked',
    created_at     DATETIME(3)    NOT NULL,
    revoked_at     DATETIME(3)    NULL,
    KEY customer_keys_by_customer (api_id),
    CONSTRAINT customer_keys_customer FOREIGN KEY (api_id) REFERENCES customers (api_id)
) ENGINE = InnoDB;

-- The domains a customer may purge: exact host names, or '*.example.com' for every name under example.com.
CREATE TABLE customer_domains (
    api_id      VARCHAR(64)  NOT NULL,
    domain      VARCHAR(255) NOT NULL,
    created_at  DATETIME(3)  NOT NULL,
    PRIMARY KEY (api_id, domain),
    CONSTRAINT customer_domains_customer FOREIGN KEY (api_id) REFERENCES customers (api_id)
) ENGINE = InnoDB;
