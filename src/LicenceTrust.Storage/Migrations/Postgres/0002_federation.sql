-- Federation: the peer's last good signed documents, withdrawn issuer certificates, this node's trust-list versions.
CREATE TABLE peer_documents (
    peer       TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    sequence   BIGINT NOT NULL,
    etag       TEXT   NULL,
    document   BYTEA  NOT NULL,
    fetched_at BIGINT NOT NULL,
    PRIMARY KEY (peer, kind)
);

CREATE TABLE withdrawn_issuers (
    fingerprint     TEXT   NOT NULL PRIMARY KEY,
    province        TEXT   NOT NULL,
    reason          TEXT   NOT NULL,
    at              BIGINT NOT NULL,
    notice_id       TEXT   NOT NULL UNIQUE,
    notice_sequence BIGINT NOT NULL,
    notice          BYTEA  NOT NULL,
    UNIQUE (province, notice_sequence)
);

CREATE TABLE trust_list_versions (
    sequence     BIGINT NOT NULL PRIMARY KEY,
    content_hash TEXT   NOT NULL,
    issued_at    BIGINT NOT NULL
);
