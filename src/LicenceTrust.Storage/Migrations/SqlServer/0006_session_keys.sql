-- The ASP.NET Core Data Protection key ring that signs and encrypts session cookies, shared by a node's
-- replicas and kept across restarts. Each key's XML is encrypted with the key of Node:SessionKeyFile.
CREATE TABLE session_keys (
    name       NVARCHAR(200) NOT NULL PRIMARY KEY,
    xml        NVARCHAR(MAX) NOT NULL,
    created_at BIGINT        NOT NULL
);
