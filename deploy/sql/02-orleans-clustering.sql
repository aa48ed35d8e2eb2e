-- 02-orleans-clustering.sql
--
-- Membership storage for Microsoft.Orleans.Clustering.AdoNet 10.4.2
-- (silos: UseAdoNetClustering on ISiloBuilder; clients: UseAdoNetClustering
-- on IClientBuilder, which only runs GatewaysQueryKey).
--
-- Requires 01-orleans-main.sql. Safe to re-run.
--
-- Model
--   orleans_cluster        one row per cluster (the provider calls the cluster
--                          id "DeploymentId"). Its table_version is the single
--                          optimistic-concurrency token of the whole
--                          membership table: every insert/update of a member
--                          must present the version it last read and bumps it.
--   orleans_cluster_member one row per silo incarnation, keyed by
--                          (cluster, ip address, port, generation).
--
-- Provider contract honoured below (names are what the provider binds/reads):
--   * Reads return the columns Version, Address, Port, Generation, SiloName,
--     HostName, Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime, and
--     always at least one row as long as the cluster row exists: the
--     provider takes the table version from the first row and treats a NULL
--     StartTime as "no member in this row".
--   * Insert/update/version-insert return exactly one row holding one boolean.
--   * Status values are Orleans' SiloStatus numbers (3 = Active, 6 = Dead).
--   * SuspectTimes is the provider's own "silo,time|silo,time" text, stored
--     as-is.

CREATE TABLE IF NOT EXISTS orleans_cluster
(
    cluster_id    text        NOT NULL,
    table_version integer     NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    changed_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_cluster_pk PRIMARY KEY (cluster_id)
);

CREATE TABLE IF NOT EXISTS orleans_cluster_member
(
    cluster_id      text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL DEFAULT 0,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    CONSTRAINT orleans_cluster_member_pk PRIMARY KEY (cluster_id, address, port, generation),
    CONSTRAINT orleans_cluster_member_cluster_fk FOREIGN KEY (cluster_id)
        REFERENCES orleans_cluster (cluster_id) ON DELETE CASCADE
);

COMMENT ON TABLE orleans_cluster IS 'Orleans membership: one row per cluster id with the membership table version (ETag).';
COMMENT ON TABLE orleans_cluster_member IS 'Orleans membership: one row per silo incarnation (address, port, generation).';

-- Adds a silo row, but only if the caller saw the current table version.
-- The cluster row is locked first, so concurrent membership writers queue up
-- behind each other and all but the first see a changed version.
-- Returns false (and changes nothing) on a stale version or if the silo is
-- already registered.
CREATE OR REPLACE FUNCTION orleans_cluster_member_insert(
    p_cluster_id       text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_silo_name        text,
    p_host_name        text,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
    RETURNS boolean
    LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM 1
      FROM orleans_cluster c
     WHERE c.cluster_id = p_cluster_id
       AND c.table_version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO orleans_cluster_member
        (cluster_id, address, port, generation, silo_name, host_name,
         status, proxy_port, suspect_times, start_time, i_am_alive_time)
    VALUES
        (p_cluster_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
         p_status, coalesce(p_proxy_port, 0), NULL, p_start_time, p_i_am_alive_time)
    ON CONFLICT ON CONSTRAINT orleans_cluster_member_pk DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_cluster c
       SET table_version = orleans_next_version(c.table_version),
           changed_at    = now()
     WHERE c.cluster_id = p_cluster_id;
    RETURN true;
END;
$fn$;

-- Changes status / suspicions / liveness of an existing silo row under the
-- same version rule as the insert. Returns false (and changes nothing) on a
-- stale version or an unknown silo.
CREATE OR REPLACE FUNCTION orleans_cluster_member_update(
    p_cluster_id       text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
    RETURNS boolean
    LANGUAGE plpgsql
AS $fn$
BEGIN
    PERFORM 1
      FROM orleans_cluster c
     WHERE c.cluster_id = p_cluster_id
       AND c.table_version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_cluster_member m
       SET status          = p_status,
           suspect_times   = p_suspect_times,
           i_am_alive_time = p_i_am_alive_time
     WHERE m.cluster_id = p_cluster_id
       AND m.address    = p_address
       AND m.port       = p_port
       AND m.generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_cluster c
       SET table_version = orleans_next_version(c.table_version),
           changed_at    = now()
     WHERE c.cluster_id = p_cluster_id;
    RETURN true;
END;
$fn$;

-- ---------------------------------------------------------------------------
-- Statements read by the clustering provider.
-- ---------------------------------------------------------------------------

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the cluster row if missing; tells whether this call created it.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_cluster (cluster_id)
    VALUES (@DeploymentId)
    ON CONFLICT ON CONSTRAINT orleans_cluster_pk DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS "Created";
$q$),

-- Gateways a client may connect to: members in the requested status
-- (the provider asks for Active) that expose a gateway port.
('GatewaysQueryKey', $q$
SELECT m.address    AS "Address",
       m.proxy_port AS "ProxyPort",
       m.generation AS "Generation"
  FROM orleans_cluster_member m
 WHERE m.cluster_id = @DeploymentId
   AND m.status     = @Status
   AND m.proxy_port > 0;
$q$),

-- One silo plus the table version; the cluster row drives the result so the
-- version comes back even when the silo is unknown.
('MembershipReadRowKey', $q$
SELECT c.table_version   AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
  FROM orleans_cluster c
  LEFT JOIN orleans_cluster_member m
         ON m.cluster_id = c.cluster_id
        AND m.address    = @Address
        AND m.port       = @Port
        AND m.generation = @Generation
 WHERE c.cluster_id = @DeploymentId;
$q$),

-- All silos of the cluster plus the table version (same shape as above).
('MembershipReadAllKey', $q$
SELECT c.table_version   AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
  FROM orleans_cluster c
  LEFT JOIN orleans_cluster_member m
         ON m.cluster_id = c.cluster_id
 WHERE c.cluster_id = @DeploymentId;
$q$),

('InsertMembershipKey', $q$
SELECT orleans_cluster_member_insert(
           @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS "Inserted";
$q$),

('UpdateMembershipKey', $q$
SELECT orleans_cluster_member_update(
           @DeploymentId, @Address, @Port, @Generation,
           @Status, @SuspectTimes, @IAmAliveTime, @Version) AS "Updated";
$q$),

-- Heartbeat: deliberately does not touch the table version.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_cluster_member m
   SET i_am_alive_time = @IAmAliveTime
 WHERE m.cluster_id = @DeploymentId
   AND m.address    = @Address
   AND m.port       = @Port
   AND m.generation = @Generation;
$q$),

-- Drops the whole cluster (members go with it through the foreign key).
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_cluster
 WHERE cluster_id = @DeploymentId;
$q$),

-- Bulk clean-up of dead silos whose last heartbeat is older than the cutoff.
-- Required by the 10.4.2 provider; only used when the per-row variant below
-- is absent.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_cluster_member m
 WHERE m.cluster_id      = @DeploymentId
   AND m.status          = 6
   AND m.i_am_alive_time < @IAmAliveTime;
$q$),

-- Per-row clean-up (optional key, preferred by 10.4.2 when present): the
-- provider decides in .NET which Dead rows are old enough and then deletes
-- each one only if it still holds exactly the values it read.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans_cluster_member m
 WHERE m.cluster_id      = @DeploymentId
   AND m.address         = @Address
   AND m.port            = @Port
   AND m.generation      = @Generation
   AND m.status          = 6
   AND m.start_time      = @StartTime
   AND m.i_am_alive_time = @IAmAliveTime
   AND m.suspect_times IS NOT DISTINCT FROM @SuspectTimes;
$q$)

ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText;
