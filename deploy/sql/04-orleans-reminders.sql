-- 04-orleans-reminders.sql
--
-- Reminder table for Microsoft.Orleans.Reminders.AdoNet 10.4.2
-- (UseAdoNetReminderService on ISiloBuilder).
--
-- Requires 01-orleans-main.sql. Safe to re-run.
--
-- Provider contract honoured below:
--   * @GrainId is GrainId.ToString(); a reminder is identified by
--     (@ServiceId, @GrainId, @ReminderName).
--   * @GrainHash is the grain's uniform hash (an unsigned 32-bit ring
--     position) passed as a signed int; @BeginHash/@EndHash are passed the
--     same way. Ranges are (begin, end] on the ring. The provider itself picks
--     ReadRangeRows1Key when begin < end as signed ints (a plain interval) and
--     ReadRangeRows2Key otherwise (the interval wraps around), so both
--     statements compare signed integers.
--   * @Period is milliseconds, bound as int or bigint depending on its size.
--   * Rows come back as GrainId, ReminderName, StartTime, Period, Version.
--   * The upsert returns the new Version; the delete returns one boolean row
--     (true only if the row existed with the given Version).

CREATE TABLE IF NOT EXISTS orleans_reminder
(
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    grain_hash    integer     NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    version       integer     NOT NULL,
    CONSTRAINT orleans_reminder_pk PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- Range scans by ring position, done by every reminder service at start-up
-- and whenever its ring range changes.
CREATE INDEX IF NOT EXISTS orleans_reminder_ring_ix
    ON orleans_reminder (service_id, grain_hash);

COMMENT ON TABLE orleans_reminder IS 'Orleans reminders (AdoNet reminder table).';

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('ReadReminderRowsKey', $q$
SELECT r.grain_id      AS "GrainId",
       r.reminder_name AS "ReminderName",
       r.start_time    AS "StartTime",
       r.period_ms     AS "Period",
       r.version       AS "Version"
  FROM orleans_reminder r
 WHERE r.service_id = @ServiceId
   AND r.grain_id   = @GrainId;
$q$),

('ReadReminderRowKey', $q$
SELECT r.grain_id      AS "GrainId",
       r.reminder_name AS "ReminderName",
       r.start_time    AS "StartTime",
       r.period_ms     AS "Period",
       r.version       AS "Version"
  FROM orleans_reminder r
 WHERE r.service_id    = @ServiceId
   AND r.grain_id      = @GrainId
   AND r.reminder_name = @ReminderName;
$q$),

-- Ring range that does not wrap: (begin, end].
('ReadRangeRows1Key', $q$
SELECT r.grain_id      AS "GrainId",
       r.reminder_name AS "ReminderName",
       r.start_time    AS "StartTime",
       r.period_ms     AS "Period",
       r.version       AS "Version"
  FROM orleans_reminder r
 WHERE r.service_id = @ServiceId
   AND r.grain_hash > @BeginHash
   AND r.grain_hash <= @EndHash;
$q$),

-- Ring range that wraps around: (begin, max] plus [min, end].
('ReadRangeRows2Key', $q$
SELECT r.grain_id      AS "GrainId",
       r.reminder_name AS "ReminderName",
       r.start_time    AS "StartTime",
       r.period_ms     AS "Period",
       r.version       AS "Version"
  FROM orleans_reminder r
 WHERE r.service_id = @ServiceId
   AND (r.grain_hash > @BeginHash OR r.grain_hash <= @EndHash);
$q$),

-- Register or re-register: last writer wins, the version always advances.
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminder AS r
       (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
ON CONFLICT ON CONSTRAINT orleans_reminder_pk DO UPDATE
   SET grain_hash = EXCLUDED.grain_hash,
       start_time = EXCLUDED.start_time,
       period_ms  = EXCLUDED.period_ms,
       version    = orleans_next_version(r.version)
RETURNING r.version AS "Version";
$q$),

-- Unregister, but only the incarnation the caller knows about.
('DeleteReminderRowKey', $q$
WITH removed AS (
    DELETE FROM orleans_reminder r
     WHERE r.service_id    = @ServiceId
       AND r.grain_id      = @GrainId
       AND r.reminder_name = @ReminderName
       AND r.version       = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS "Deleted";
$q$),

('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminder
 WHERE service_id = @ServiceId;
$q$)

ON CONFLICT (QueryKey) DO UPDATE
    SET QueryText = EXCLUDED.QueryText;
