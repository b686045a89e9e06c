-- No one acts alone (docs/console.md): what one administrator asks for (an officer, a new password, an API
-- key) waits here for a second administrator of the same kind. The details are JSON (user name, name,
-- authority, roles; or a key's role, name, authority); never a password or a key.
CREATE TABLE admin_requests (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            INTEGER NOT NULL,
    details_json    TEXT    NOT NULL,
    requested_by    TEXT    NOT NULL,
    requested_at    BIGINT  NOT NULL,
    state           INTEGER NOT NULL,
    decided_by      TEXT    NULL,
    decided_at      BIGINT  NULL,
    decision_reason TEXT    NULL,
    result          TEXT    NULL
);
CREATE INDEX ix_admin_requests_state ON admin_requests (state, id);
