-- Batch jobs of the authority console: the uploaded file, its row errors and its progress.
CREATE TABLE batch_jobs (
    id             BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    authority_code NVARCHAR(18)   NOT NULL,
    file_name      NVARCHAR(200)  NOT NULL,
    file_sha256    NVARCHAR(64)   NOT NULL,
    content        VARBINARY(MAX) NOT NULL,
    total_rows     INT            NOT NULL,
    bad_rows       INT            NOT NULL,
    errors_json    NVARCHAR(MAX)  NOT NULL,
    state          INT            NOT NULL,
    done_rows      INT            NOT NULL,
    issued         INT            NOT NULL,
    replayed       INT            NOT NULL,
    failed         INT            NOT NULL,
    submitted_by   NVARCHAR(64)   NOT NULL,
    submitted_at   BIGINT         NOT NULL,
    issued_by      NVARCHAR(64)   NULL,
    approval_id    BIGINT         NULL,
    runner         NVARCHAR(100)  NULL,
    heartbeat_at   BIGINT         NULL,
    finished_at    BIGINT         NULL
);
CREATE INDEX ix_batch_jobs_state ON batch_jobs (state, id);
CREATE INDEX ix_batch_jobs_authority ON batch_jobs (authority_code, id);
