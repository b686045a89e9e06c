-- LicenceTrust node schema, SQLite dialect. Times are Unix milliseconds (UTC).
CREATE TABLE licences (
    identifier      TEXT    NOT NULL PRIMARY KEY,
    authority_code  TEXT    NOT NULL,
    type_code       TEXT    NOT NULL,
    number          TEXT    NOT NULL,
    holder_name     TEXT    NOT NULL,
    licence_json    TEXT    NOT NULL,
    status          INTEGER NOT NULL,
    status_list     INTEGER NOT NULL,
    status_index    INTEGER NOT NULL,
    qr_text         TEXT    NOT NULL,
    issued_at       INTEGER NOT NULL,
    issued_by       TEXT    NOT NULL,
    idempotency_key TEXT    NULL,
    supersedes      TEXT    NULL,
    superseded_by   TEXT    NULL,
    UNIQUE (status_list, status_index),
    UNIQUE (authority_code, idempotency_key)
);
CREATE INDEX ix_licences_authority ON licences (authority_code, issued_at);

CREATE TABLE status_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier  TEXT    NOT NULL REFERENCES licences (identifier),
    from_status INTEGER NOT NULL,
    to_status   INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX ix_status_events_identifier ON status_events (identifier, id);

CREATE TABLE status_lists (
    id         INTEGER PRIMARY KEY,
    size       INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

CREATE TABLE serials (
    authority_code TEXT    NOT NULL PRIMARY KEY,
    last_serial    INTEGER NOT NULL
);

CREATE TABLE audit_log (
    sequence      INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL,
    event         TEXT    NOT NULL,
    actor         TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    data          TEXT    NOT NULL,
    at            INTEGER NOT NULL,
    previous_hash TEXT    NOT NULL,
    hash          TEXT    NOT NULL
);

-- The audit log is insert-only: the database refuses edits and deletions made through SQL.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE api_keys (
    id             TEXT    NOT NULL PRIMARY KEY,
    secret_hash    TEXT    NOT NULL,
    role           INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    authority_code TEXT    NULL,
    created_at     INTEGER NOT NULL,
    revoked_at     INTEGER NULL
);
