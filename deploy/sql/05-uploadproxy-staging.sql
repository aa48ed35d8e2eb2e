-- 05-uploadproxy-staging.sql
--
-- UploadProxy's own tables for staged document bytes (not used by Orleans).
--   staged_document_chunks  the bytes of a staged upload, split into
--                           numbered chunks (chunk_index 0, 1, 2, ...).
--   staged_documents        one row per staged document once it has been
--                           committed: owning session, SHA-256 and length of
--                           the reassembled bytes.
-- Deliberately no foreign key between them: chunks are written (under a
-- temporary key, then re-keyed) before the document row exists.
-- Safe to re-run.

CREATE TABLE IF NOT EXISTS staged_document_chunks
(
    staging_key text    NOT NULL,
    chunk_index integer NOT NULL,
    data        bytea   NOT NULL,
    PRIMARY KEY (staging_key, chunk_index)
);

CREATE TABLE IF NOT EXISTS staged_documents
(
    staging_key  text        NOT NULL PRIMARY KEY,
    session_id   text        NOT NULL,
    sha256       text        NOT NULL,
    length       bigint      NOT NULL,
    committed_at timestamptz NOT NULL DEFAULT now()
);

-- When a chunk was written: the staging sweep deletes the provisional chunks of a
-- send that a crash cut off once none has been added for the orphan age.
ALTER TABLE staged_document_chunks
    ADD COLUMN IF NOT EXISTS written_at timestamptz NOT NULL DEFAULT now();

-- Lookups / clean-up of everything staged by one upload session.
CREATE INDEX IF NOT EXISTS staged_documents_session_ix
    ON staged_documents (session_id);

COMMENT ON TABLE staged_document_chunks IS 'UploadProxy: staged document bytes, one row per chunk.';
COMMENT ON TABLE staged_documents IS 'UploadProxy: committed staged documents (session, SHA-256, length).';

-- Documents are stored as they are: PDFs (scans, Flate streams) hardly compress, and
-- pglz trying to compress every 1 MiB chunk cost PostgreSQL more CPU than the rest of
-- the write. EXTERNAL keeps the bytes out of line and uncompressed; rows written
-- before this keep their storage.
ALTER TABLE staged_document_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- The chunks table is a queue: every row is deleted seconds after it is written, once its document is uploaded.
-- Vacuumed only at the default 20 % of dead rows, it grows instead, and every insert waits for the lock that
-- extends the file (and writes its new pages twice, zeros first). Vacuumed as soon as a few documents' rows
-- are dead, the space of uploaded documents is reused. Autovacuum looks at most every autovacuum_naptime
-- (1 min by default): set it to 1 s, see deploy/sql/README.md.
ALTER TABLE staged_document_chunks SET (
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 64, autovacuum_vacuum_cost_delay = 0,
    toast.autovacuum_vacuum_scale_factor = 0, toast.autovacuum_vacuum_threshold = 8192, toast.autovacuum_vacuum_cost_delay = 0);
