-- Evidence exchange (docs/federation.md §9): consent codes (only their hashes), and every exchange as each side
-- records it. The request id is unique per side, so a replayed request is refused on every replica.
CREATE TABLE consent_codes (
    code_hash   NVARCHAR(64)   NOT NULL PRIMARY KEY,
    holder_code NVARCHAR(18)   NOT NULL,
    types       NVARCHAR(400)  NOT NULL,
    province    NVARCHAR(8)    NOT NULL,
    created_at  BIGINT         NOT NULL,
    expires_at  BIGINT         NOT NULL,
    used_at     BIGINT         NULL
);

CREATE TABLE evidence_exchanges (
    request_id  NVARCHAR(32)   NOT NULL,
    side        INT            NOT NULL,
    holder_code NVARCHAR(18)   NOT NULL,
    province    NVARCHAR(8)    NOT NULL,
    officer     NVARCHAR(100)  NOT NULL,
    case_number NVARCHAR(100)  NOT NULL,
    matter      NVARCHAR(40)   NOT NULL,
    purpose     NVARCHAR(100)  NOT NULL,
    types       NVARCHAR(400)  NOT NULL,
    at          BIGINT         NOT NULL,
    outcome     NVARCHAR(40)   NOT NULL,
    licences    NVARCHAR(MAX)  NOT NULL,
    PRIMARY KEY (request_id, side)
);
CREATE INDEX ix_evidence_exchanges_holder ON evidence_exchanges (holder_code, at);
