-- The authority console: officers, maker-checker requests, and what the licence register searches.
CREATE TABLE officers (
    username       TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
    display_name   TEXT    NOT NULL,
    authority_code TEXT    NOT NULL,
    roles          INTEGER NOT NULL,
    password_hash  TEXT    NOT NULL,
    created_at     BIGINT  NOT NULL,
    disabled_at    BIGINT  NULL
);

CREATE TABLE approval_requests (
    id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    kind            INTEGER NOT NULL,
    authority_code  TEXT    NOT NULL,
    subject         TEXT    NULL,
    command_json    TEXT    NULL,
    reason          TEXT    NULL,
    request_key     TEXT    NOT NULL,
    requested_by    TEXT    NOT NULL,
    requested_at    BIGINT  NOT NULL,
    state           INTEGER NOT NULL,
    decided_by      TEXT    NULL,
    decided_at      BIGINT  NULL,
    decision_reason TEXT    NULL,
    result          TEXT    NULL
);
CREATE UNIQUE INDEX uq_approval_requests_key ON approval_requests (authority_code, request_key);
CREATE INDEX ix_approval_requests_state ON approval_requests (authority_code, state, id);

ALTER TABLE licences ADD COLUMN holder_code TEXT NULL;
UPDATE licences SET holder_code = json_extract(licence_json, '$.holder.code');
CREATE INDEX ix_licences_holder_code ON licences (holder_code);
CREATE INDEX ix_licences_number ON licences (number);
CREATE INDEX ix_audit_log_subject ON audit_log (subject, sequence);
