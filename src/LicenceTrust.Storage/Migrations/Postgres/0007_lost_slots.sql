-- Slots of licences issued after a backup that the database was restored from: the peers' copies of this
-- node's status lists show them revoked or suspended, so they are published so and never given again.
CREATE TABLE lost_slots (
    status_list  BIGINT  NOT NULL,
    status_index BIGINT  NOT NULL,
    status       BIGINT  NOT NULL,
    recovered_at BIGINT  NOT NULL,
    PRIMARY KEY (status_list, status_index)
);
