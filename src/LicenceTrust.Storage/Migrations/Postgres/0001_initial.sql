-- LicenceTrust node schema, PostgreSQL dialect. Times are Unix milliseconds (UTC).
CREATE TABLE licences (
    identifier      TEXT    NOT NULL PRIMARY KEY,
    authority_code  TEXT    NOT NULL,
    type_code       TEXT    NOT NULL,
    number          TEXT    NOT NULL,
    holder_name     TEXT    NOT NULL,
    licence_json    TEXT    NOT NULL,
    status          BIGINT  NOT NULL,
    status_list     BIGINT  NOT NULL,
    status_index    BIGINT  NOT NULL,
    qr_text         TEXT    NOT NULL,
    issued_at       BIGINT  NOT NULL,
    issued_by       TEXT    NOT NULL,
    idempotency_key TEXT    NULL,
    supersedes      TEXT    NULL,
    superseded_by   TEXT    NULL,
    UNIQUE (status_list, status_index),
    UNIQUE (authority_code, idempotency_key)
);
CREATE INDEX ix_licences_authority ON licences (authority_code, issued_at);

CREATE TABLE status_events (
    id          BIGSERIAL PRIMARY KEY,
    identifier  TEXT    NOT NULL REFERENCES licences (identifier),
    from_status BIGINT  NOT NULL,
    to_status   BIGINT  NOT NULL,
    reason      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);
CREATE INDEX ix_status_events_identifier ON status_events (identifier, id);

CREATE TABLE status_lists (
    id         BIGINT PRIMARY KEY,
    size       BIGINT NOT NULL,
    used       BIGINT NOT NULL DEFAULT 0,
    version    BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

CREATE TABLE serials (
    authority_code TEXT   NOT NULL PRIMARY KEY,
    last_serial    BIGINT NOT NULL
);

CREATE TABLE audit_log (
    sequence      BIGINT PRIMARY KEY,
    event_id      BIGINT NOT NULL,
    event         TEXT   NOT NULL,
    actor         TEXT   NOT NULL,
    subject       TEXT   NOT NULL,
    data          TEXT   NOT NULL,
    at            BIGINT NOT NULL,
    previous_hash TEXT   NOT NULL,
    hash          TEXT   NOT NULL
);

-- The audit log is insert-only: the database refuses edits and deletions made through SQL.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE api_keys (
    id             TEXT   NOT NULL PRIMARY KEY,
    secret_hash    TEXT   NOT NULL,
    role           BIGINT NOT NULL,
    name           TEXT   NOT NULL,
    authority_code TEXT   NULL,
    created_at     BIGINT NOT NULL,
    revoked_at     BIGINT NULL
);
