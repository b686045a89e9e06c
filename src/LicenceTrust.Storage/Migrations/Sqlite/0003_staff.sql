-- Counter staff accounts (QR page sign-in). Passwords only as PBKDF2 hashes.
CREATE TABLE staff_accounts (
    username      TEXT   NOT NULL PRIMARY KEY,
    display_name  TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT NULL
);
