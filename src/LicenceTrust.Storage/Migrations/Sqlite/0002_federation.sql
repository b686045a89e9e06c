-- Federation: the peer's last good signed documents, withdrawn issuer certificates, this node's trust-list versions.
CREATE TABLE peer_documents (
    peer       TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    sequence   INTEGER NOT NULL,
    etag       TEXT    NULL,
    document   BLOB    NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (peer, kind)
);

CREATE TABLE withdrawn_issuers (
    fingerprint     TEXT    NOT NULL PRIMARY KEY,
    province        TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    notice_id       TEXT    NOT NULL UNIQUE,
    notice_sequence INTEGER NOT NULL,
    notice          BLOB    NOT NULL,
    UNIQUE (province, notice_sequence)
);

CREATE TABLE trust_list_versions (
    sequence     INTEGER NOT NULL PRIMARY KEY,
    content_hash TEXT    NOT NULL,
    issued_at    INTEGER NOT NULL
);
