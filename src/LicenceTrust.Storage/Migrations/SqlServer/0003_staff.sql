-- Counter staff accounts (QR page sign-in). Passwords only as PBKDF2 hashes.
CREATE TABLE staff_accounts (
    username      NVARCHAR(64)  NOT NULL PRIMARY KEY,
    display_name  NVARCHAR(100) NOT NULL,
    password_hash NVARCHAR(200) NOT NULL,
    created_at    BIGINT        NOT NULL,
    disabled_at   BIGINT        NULL
);
