-- Federation: the peer's last good signed documents, withdrawn issuer certificates, this node's trust-list versions.
CREATE TABLE peer_documents (
    peer       NVARCHAR(8)    NOT NULL,
    kind       NVARCHAR(300)  NOT NULL,
    sequence   BIGINT         NOT NULL,
    etag       NVARCHAR(200)  NULL,
    document   VARBINARY(MAX) NOT NULL,
    fetched_at BIGINT         NOT NULL,
    PRIMARY KEY (peer, kind)
);

CREATE TABLE withdrawn_issuers (
    fingerprint     NVARCHAR(64)   NOT NULL PRIMARY KEY,
    province        NVARCHAR(8)    NOT NULL,
    reason          NVARCHAR(500)  NOT NULL,
    at              BIGINT         NOT NULL,
    notice_id       NVARCHAR(64)   NOT NULL UNIQUE,
    notice_sequence BIGINT         NOT NULL,
    notice          VARBINARY(MAX) NOT NULL,
    CONSTRAINT uq_withdrawn_notice UNIQUE (province, notice_sequence)
);

CREATE TABLE trust_list_versions (
    sequence     BIGINT       NOT NULL PRIMARY KEY,
    content_hash NVARCHAR(64) NOT NULL,
    issued_at    BIGINT       NOT NULL
);
