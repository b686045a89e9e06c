-- No one acts alone (docs/console.md): what one administrator asks for (an officer, a new password, an API
-- key) waits here for a second administrator of the same kind. The details are JSON (user name, name,
-- authority, roles; or a key's role, name, authority); never a password or a key.
CREATE TABLE admin_requests (
    id              BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    kind            INT            NOT NULL,
    details_json    NVARCHAR(MAX)  NOT NULL,
    requested_by    NVARCHAR(64)   NOT NULL,
    requested_at    BIGINT         NOT NULL,
    state           INT            NOT NULL,
    decided_by      NVARCHAR(64)   NULL,
    decided_at      BIGINT         NULL,
    decision_reason NVARCHAR(400)  NULL,
    result          NVARCHAR(120)  NULL
);
CREATE INDEX ix_admin_requests_state ON admin_requests (state, id);
