-- 03-orleans-persistence.sql
--
-- Grain state storage for Microsoft.Orleans.Persistence.AdoNet 10.4.2
-- (AddAdoNetGrainStorage / AddAdoNetGrainStorageAsDefault on ISiloBuilder).
-- Any number of named storage providers can share this table: rows are
-- separated by service id and grain type, not by provider name.
--
-- Requires 01-orleans-main.sql. Safe to re-run.
--
-- How the provider identifies a grain (all bound on every call):
--   @ServiceId               ClusterOptions.ServiceId
--   @GrainTypeString         the grain type name, @GrainTypeHash its hash
--   @GrainIdN0, @GrainIdN1   integer keys: N0 = 0, N1 = key;
--                            Guid keys: the two 64-bit halves;
--                            string keys: both 0
--   @GrainIdExtensionString  key extension, or the string key itself, or NULL
--   @GrainIdHash             a hash over the key (for indexing only)
-- The two hashes are stored and lead the index; the full identity is always
-- compared as well, so hash collisions cannot mix up grains.
--
-- Versions (the grain state ETag):
--   * a row's version starts at 1 and moves forward with every write/clear;
--   * @GrainStateVersion is the version the grain last read, or NULL if it
--     believes no row exists;
--   * a write/clear that does not find the expected version returns NULL,
--     which the provider turns into InconsistentStateException.
--
-- Payload: whatever the configured IGrainStorageSerializer produced, kept
-- opaque as bytea. A cleared grain keeps its row with payload = NULL so its
-- version keeps counting (unless DeleteStateOnClear=true, which deletes it).

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id      text        NOT NULL,
    grain_type      text        NOT NULL,
    grain_type_hash integer     NOT NULL,
    grain_id_hash   integer     NOT NULL,
    grain_id_n0     bigint      NOT NULL,
    grain_id_n1     bigint      NOT NULL,
    grain_id_ext    text        NULL,
    payload         bytea       NULL,
    version         integer     NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    modified_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per grain identity. Long text columns enter the index only as
-- digests to stay far below the btree entry size limit; a NULL extension is
-- a value of its own (NULLS NOT DISTINCT, PostgreSQL 15+).
CREATE UNIQUE INDEX IF NOT EXISTS orleans_grain_state_identity_ux
    ON orleans_grain_state (grain_id_hash, grain_type_hash, grain_id_n0, grain_id_n1,
                            service_id, md5(grain_type), md5(grain_id_ext))
    NULLS NOT DISTINCT;

COMMENT ON TABLE orleans_grain_state IS 'Orleans grain state (AdoNet grain storage): opaque serialized payload plus an integer version used as ETag.';

-- Writes a grain's state if the caller holds the current version.
-- Returns the new version, or NULL on a version conflict.
CREATE OR REPLACE FUNCTION orleans_grain_state_write(
    p_service_id       text,
    p_grain_type       text,
    p_grain_type_hash  integer,
    p_grain_id_hash    integer,
    p_grain_id_n0      bigint,
    p_grain_id_n1      bigint,
    p_grain_id_ext     text,
    p_expected_version integer,
    p_payload          bytea)
    RETURNS integer
    LANGUAGE plpgsql
AS $fn$
DECLARE
    v_written integer;
BEGIN
    IF p_expected_version IS NULL THEN
        -- The grain believes it has never been stored: only a brand-new row
        -- is acceptable. A concurrent first write of the same grain hits the
        -- unique index and loses.
        BEGIN
            INSERT INTO orleans_grain_state
                (service_id, grain_type, grain_type_hash, grain_id_hash,
                 grain_id_n0, grain_id_n1, grain_id_ext, payload, version)
            VALUES
                (p_service_id, p_grain_type, p_grain_type_hash, p_grain_id_hash,
                 p_grain_id_n0, p_grain_id_n1, p_grain_id_ext, p_payload, 1);
            RETURN 1;
        EXCEPTION WHEN unique_violation THEN
            RETURN NULL;
        END;
    END IF;

    -- Compare-and-swap on the version. Under READ COMMITTED a competing
    -- writer that committed first makes the version check fail here.
    UPDATE orleans_grain_state s
       SET payload     = p_payload,
           version     = orleans_next_version(s.version),
           modified_at = now()
     WHERE s.grain_id_hash   = p_grain_id_hash
       AND s.grain_type_hash = p_grain_type_hash
       AND s.grain_id_n0     = p_grain_id_n0
       AND s.grain_id_n1     = p_grain_id_n1
       AND s.service_id      = p_service_id
       AND s.grain_type      = p_grain_type
       AND s.grain_id_ext IS NOT DISTINCT FROM p_grain_id_ext
       AND s.version         = p_expected_version
    RETURNING s.version INTO v_written;

    RETURN v_written;  -- NULL when the row is gone or its version moved on
END;
$fn$;

-- ---------------------------------------------------------------------------
-- Statements read by the grain storage provider.
-- ---------------------------------------------------------------------------

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Zero rows = never stored. A row with NULL payload = cleared, but its
-- version is still the ETag to present on the next write.
('ReadFromStorageKey', $q$
SELECT s.payload AS "PayloadBinary",
       s.version AS "Version"
  FROM orleans_grain_state s
 WHERE s.grain_id_hash   = @GrainIdHash
   AND s.grain_type_hash = @GrainTypeHash
   AND s.grain_id_n0     = @GrainIdN0
   AND s.grain_id_n1     = @GrainIdN1
   AND s.service_id      = @ServiceId
   AND s.grain_type      = @GrainTypeString
   AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

('WriteToStorageKey', $q$
SELECT orleans_grain_state_write(
           @ServiceId, @GrainTypeString, @GrainTypeHash, @GrainIdHash,
           @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
           @GrainStateVersion, @PayloadBinary) AS "NewGrainStateVersion";
$q$),

-- ClearStateAsync with DeleteStateOnClear=false (the default): keep the row,
-- drop the payload, advance the version. Always one row: the new version or
-- NULL on a conflict.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleans_grain_state s
       SET payload     = NULL,
           version     = orleans_next_version(s.version),
           modified_at = now()
     WHERE s.grain_id_hash   = @GrainIdHash
       AND s.grain_type_hash = @GrainTypeHash
       AND s.grain_id_n0     = @GrainIdN0
       AND s.grain_id_n1     = @GrainIdN1
       AND s.service_id      = @ServiceId
       AND s.grain_type      = @GrainTypeString
       AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
       AND s.version         = @GrainStateVersion
    RETURNING s.version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion";
$q$),

-- ClearStateAsync with DeleteStateOnClear=true: remove the row. The provider
-- only needs a non-NULL value different from the ETag it sent to accept the
-- delete, so the version the row would have had next is returned.
('DeleteStorageKey', $q$
WITH removed AS (
    DELETE FROM orleans_grain_state s
     WHERE s.grain_id_hash   = @GrainIdHash
       AND s.grain_type_hash = @GrainTypeHash
       AND s.grain_id_n0     = @GrainIdN0
       AND s.grain_id_n1     = @GrainIdN1
       AND s.service_id      = @ServiceId
       AND s.grain_type      = @GrainTypeString
       AND s.grain_id_ext IS NOT DISTINCT FROM @GrainIdExtensionString
       AND s.version         = @GrainStateVersion
    RETURNING s.version
)
SELECT (SELECT orleans_next_version(version) FROM removed) AS "NewGrainStateVersion";
$q$)

ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText;
