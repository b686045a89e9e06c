-- Evidence exchange (docs/federation.md §9): consent codes (only their hashes), and every exchange as each side
-- records it. The request id is unique per side, so a replayed request is refused on every replica.
CREATE TABLE consent_codes (
    code_hash   TEXT    NOT NULL PRIMARY KEY,
    holder_code TEXT    NOT NULL,
    types       TEXT    NOT NULL,
    province    TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT  NULL
);

CREATE TABLE evidence_exchanges (
    request_id  TEXT    NOT NULL,
    side        INTEGER NOT NULL,
    holder_code TEXT    NOT NULL,
    province    TEXT    NOT NULL,
    officer     TEXT    NOT NULL,
    case_number TEXT    NOT NULL,
    matter      TEXT    NOT NULL,
    purpose     TEXT    NOT NULL,
    types       TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    outcome     TEXT    NOT NULL,
    licences    TEXT    NOT NULL,
    PRIMARY KEY (request_id, side)
);
CREATE INDEX ix_evidence_exchanges_holder ON evidence_exchanges (holder_code, at);
