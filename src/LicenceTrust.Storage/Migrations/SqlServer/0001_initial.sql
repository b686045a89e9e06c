-- LicenceTrust node schema, SQL Server dialect. Times are Unix milliseconds (UTC).
-- Batches are separated by GO lines (the migrator splits on them).
CREATE TABLE licences (
    identifier      NVARCHAR(120) NOT NULL PRIMARY KEY,
    authority_code  NVARCHAR(18)  NOT NULL,
    type_code       NVARCHAR(21)  NOT NULL,
    number          NVARCHAR(40)  NOT NULL,
    holder_name     NVARCHAR(100) NOT NULL,
    licence_json    NVARCHAR(MAX) NOT NULL,
    status          BIGINT        NOT NULL,
    status_list     BIGINT        NOT NULL,
    status_index    BIGINT        NOT NULL,
    qr_text         NVARCHAR(MAX) NOT NULL,
    issued_at       BIGINT        NOT NULL,
    issued_by       NVARCHAR(200) NOT NULL,
    idempotency_key NVARCHAR(100) NULL,
    supersedes      NVARCHAR(120) NULL,
    superseded_by   NVARCHAR(120) NULL,
    CONSTRAINT uq_licences_slot UNIQUE (status_list, status_index)
);
CREATE UNIQUE INDEX uq_licences_idempotency ON licences (authority_code, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX ix_licences_authority ON licences (authority_code, issued_at);

CREATE TABLE status_events (
    id          BIGINT IDENTITY(1,1) PRIMARY KEY,
    identifier  NVARCHAR(120) NOT NULL REFERENCES licences (identifier),
    from_status BIGINT        NOT NULL,
    to_status   BIGINT        NOT NULL,
    reason      NVARCHAR(200) NOT NULL,
    actor       NVARCHAR(200) NOT NULL,
    at          BIGINT        NOT NULL
);
CREATE INDEX ix_status_events_identifier ON status_events (identifier, id);

CREATE TABLE status_lists (
    id         BIGINT NOT NULL PRIMARY KEY,
    size       BIGINT NOT NULL,
    used       BIGINT NOT NULL DEFAULT 0,
    version    BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

CREATE TABLE serials (
    authority_code NVARCHAR(18) NOT NULL PRIMARY KEY,
    last_serial    BIGINT       NOT NULL
);

CREATE TABLE audit_log (
    sequence      BIGINT        NOT NULL PRIMARY KEY,
    event_id      BIGINT        NOT NULL,
    event         NVARCHAR(100) NOT NULL,
    actor         NVARCHAR(200) NOT NULL,
    subject       NVARCHAR(200) NOT NULL,
    data          NVARCHAR(MAX) NOT NULL,
    at            BIGINT        NOT NULL,
    previous_hash NCHAR(64)     NOT NULL,
    hash          NCHAR(64)     NOT NULL
);

CREATE TABLE api_keys (
    id             NVARCHAR(12)  NOT NULL PRIMARY KEY,
    secret_hash    NCHAR(64)     NOT NULL,
    role           BIGINT        NOT NULL,
    name           NVARCHAR(200) NOT NULL,
    authority_code NVARCHAR(18)  NULL,
    created_at     BIGINT        NOT NULL,
    revoked_at     BIGINT        NULL
);
GO
-- The audit log is insert-only: the database refuses edits and deletions made through SQL.
CREATE TRIGGER audit_log_append_only ON audit_log INSTEAD OF UPDATE, DELETE AS
BEGIN
    THROW 51000, 'audit_log is append-only', 1;
END;
