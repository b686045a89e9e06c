-- Sessions that end (docs/console.md, "Sessions"): each officer's session epoch, carried by their cookies and
-- moved on by sign-out, a password change or reset, disabling and a role change, so every session of that
-- officer ends at once on every replica; and whether the password must be changed at the next sign-in.
ALTER TABLE officers ADD session_epoch BIGINT NOT NULL DEFAULT 0;
ALTER TABLE officers ADD must_change_password INT NOT NULL DEFAULT 0;
