-- The authority console: officers, maker-checker requests, and what the licence register searches.
CREATE TABLE officers (
    username       NVARCHAR(64)  NOT NULL PRIMARY KEY,
    display_name   NVARCHAR(100) NOT NULL,
    authority_code NVARCHAR(18)  NOT NULL,
    roles          INT           NOT NULL,
    password_hash  NVARCHAR(200) NOT NULL,
    created_at     BIGINT        NOT NULL,
    disabled_at    BIGINT        NULL
);

CREATE TABLE approval_requests (
    id              BIGINT IDENTITY(1,1) NOT NULL PRIMARY KEY,
    kind            INT            NOT NULL,
    authority_code  NVARCHAR(18)   NOT NULL,
    subject         NVARCHAR(120)  NULL,
    command_json    NVARCHAR(MAX)  NULL,
    reason          NVARCHAR(400)  NULL,
    request_key     NVARCHAR(64)   NOT NULL,
    requested_by    NVARCHAR(64)   NOT NULL,
    requested_at    BIGINT         NOT NULL,
    state           INT            NOT NULL,
    decided_by      NVARCHAR(64)   NULL,
    decided_at      BIGINT         NULL,
    decision_reason NVARCHAR(400)  NULL,
    result          NVARCHAR(120)  NULL
);
CREATE UNIQUE INDEX uq_approval_requests_key ON approval_requests (authority_code, request_key);
CREATE INDEX ix_approval_requests_state ON approval_requests (authority_code, state, id);

ALTER TABLE licences ADD holder_code NVARCHAR(40) NULL;
GO
UPDATE licences SET holder_code = JSON_VALUE(licence_json, '$.holder.code');
CREATE INDEX ix_licences_holder_code ON licences (holder_code);
CREATE INDEX ix_licences_number ON licences (number);
CREATE INDEX ix_audit_log_subject ON audit_log (subject, sequence);
