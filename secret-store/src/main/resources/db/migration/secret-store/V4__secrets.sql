-- The secret store (secret-store module). Values are never stored in plaintext: each row holds
-- the value encrypted with its own data key and that data key wrapped by a master key version.

CREATE TABLE secrets (
    tenant_id          text        NOT NULL,
    name               text        NOT NULL,
    version            integer     NOT NULL CHECK (version >= 1),
    master_key_version integer     NOT NULL,
    wrapped_key        bytea       NOT NULL,
    ciphertext         bytea       NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- Finds what still uses an old master key version (rotation, start-up checks).
CREATE INDEX secrets_master_key_version ON secrets (master_key_version);

-- One key check per master key version ever used: a known text encrypted with that key, so a
-- start-up with a different key under the same version is detected before anything is written.
CREATE TABLE secret_master_keys (
    version       integer     PRIMARY KEY CHECK (version >= 1),
    key_check     bytea       NOT NULL,
    registered_at timestamptz NOT NULL
);

-- Every in-process reveal: who asked for which secret, when, and whether it was handed out.
CREATE TABLE secret_reveals (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      text        NOT NULL,
    secret_name    text        NOT NULL,
    secret_version integer,
    revealed_by    text        NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('revealed', 'not_found', 'undecryptable')),
    revealed_at    timestamptz NOT NULL
);

CREATE INDEX secret_reveals_by_secret ON secret_reveals (tenant_id, secret_name, revealed_at);
