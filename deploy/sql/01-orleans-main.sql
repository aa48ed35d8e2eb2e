-- 01-orleans-main.sql
--
-- Shared objects for the Orleans ADO.NET providers (clustering, grain
-- persistence, reminders) on PostgreSQL 15+.
--
-- Every Orleans ADO.NET provider starts by running
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and then executes the statement stored under each key it knows, binding
-- its parameters by name (@DeploymentId, @GrainIdHash, ...). The table name
-- and its two column names are therefore fixed by the providers; because the
-- provider writes them unquoted, PostgreSQL folds them to lower case, so the
-- table is created here unquoted as well (it ends up as "orleansquery").
--
-- The statements themselves live in 02/03/04; this file only has to exist
-- (and run) first. Safe to re-run.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleansquery_pk PRIMARY KEY (QueryKey)
);

COMMENT ON TABLE OrleansQuery IS
    'SQL text run by the Orleans ADO.NET providers, looked up by key. Maintained by deploy/sql/*.sql; do not edit by hand.';

-- All optimistic-concurrency counters in this schema (membership table
-- version, grain state version, reminder version) are 32-bit integers
-- because the providers parse them with int.Parse. Instead of failing with an
-- overflow after 2^31 changes, a counter wraps back to 1. It never yields 0
-- or the value it was given, so "new version = old version" can always be
-- read as "nothing was written".
CREATE OR REPLACE FUNCTION orleans_next_version(current_version integer)
    RETURNS integer
    LANGUAGE sql
    IMMUTABLE
    PARALLEL SAFE
AS $fn$
    SELECT CASE
               WHEN current_version IS NULL OR current_version >= 2147483647 OR current_version < 1 THEN 1
               ELSE current_version + 1
           END;
$fn$;
