-- Batch jobs of the authority console: the uploaded file, its row errors and its progress.
CREATE TABLE batch_jobs (
    id             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    authority_code TEXT    NOT NULL,
    file_name      TEXT    NOT NULL,
    file_sha256    TEXT    NOT NULL,
    content        BLOB    NOT NULL,
    total_rows     INTEGER NOT NULL,
    bad_rows       INTEGER NOT NULL,
    errors_json    TEXT    NOT NULL,
    state          INTEGER NOT NULL,
    done_rows      INTEGER NOT NULL,
    issued         INTEGER NOT NULL,
    replayed       INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    submitted_by   TEXT    NOT NULL,
    submitted_at   BIGINT  NOT NULL,
    issued_by      TEXT    NULL,
    approval_id    BIGINT  NULL,
    runner         TEXT    NULL,
    heartbeat_at   BIGINT  NULL,
    finished_at    BIGINT  NULL
);
CREATE INDEX ix_batch_jobs_state ON batch_jobs (state, id);
CREATE INDEX ix_batch_jobs_authority ON batch_jobs (authority_code, id);
