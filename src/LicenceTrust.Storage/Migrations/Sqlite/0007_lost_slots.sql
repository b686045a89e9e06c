-- Slots of licences issued after a backup that the database was restored from: the peers' copies of this
-- node's status lists show them revoked or suspended, so they are published so and never given again.
CREATE TABLE lost_slots (
    status_list  INTEGER NOT NULL,
    status_index INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    recovered_at INTEGER NOT NULL,
    PRIMARY KEY (status_list, status_index)
);
