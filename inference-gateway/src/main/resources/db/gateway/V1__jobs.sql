-- The job store's first schema. IF NOT EXISTS: stores made before migrations existed already have it (Flyway
-- baselines them at version 0, then this runs as a no-op).
CREATE TABLE IF NOT EXISTS gateway_jobs (
    id VARCHAR(128) NOT NULL PRIMARY KEY,
    model VARCHAR(64) NOT NULL,
    status VARCHAR(16) NOT NULL,
    request_hash VARCHAR(64) NOT NULL,
    request_body ${largeText} NOT NULL,
    result_body ${largeText},
    error VARCHAR(4000),
    attempts INT NOT NULL,
    timeout_ms BIGINT NOT NULL,
    webhook_url VARCHAR(2048),
    webhook_state VARCHAR(16),
    webhook_attempts INT NOT NULL,
    webhook_next_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    next_attempt_at BIGINT NOT NULL,
    lease_owner VARCHAR(64),
    lease_token VARCHAR(64),
    lease_until BIGINT
);
CREATE INDEX IF NOT EXISTS gateway_jobs_queue ON gateway_jobs (status, model, next_attempt_at);
CREATE INDEX IF NOT EXISTS gateway_jobs_created ON gateway_jobs (created_at, id);
CREATE INDEX IF NOT EXISTS gateway_jobs_finished ON gateway_jobs (finished_at);
CREATE INDEX IF NOT EXISTS gateway_jobs_webhook ON gateway_jobs (webhook_state, webhook_next_at);
