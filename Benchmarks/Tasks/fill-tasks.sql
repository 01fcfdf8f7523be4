-- Fills tasks with :rows rows for scripts/bench-read.sh (psql -v rows=N). A realistic spread:
-- 3 owners (alice 60 %, bob 30 %, carol 10 %), 20 services, 8 batches of consecutive tasks
-- (one per day), every status (mostly finished), a tag on 20 %, priorities 0-9, jsonb conditions,
-- one task every 100 ms of creation time. The secondary indexes and the counters' triggers are
-- off during the fill; the indexes are rebuilt and task_counts recounted after it.
\set ON_ERROR_STOP on
\timing on
SET maintenance_work_mem = '512MB';
SET max_parallel_maintenance_workers = 2;
SET synchronous_commit = off;
TRUNCATE tasks, task_events, task_outbox;

CREATE TEMP TABLE saved_indexes AS
SELECT indexname, indexdef FROM pg_indexes
WHERE schemaname = 'public' AND tablename = 'tasks' AND indexname <> 'tasks_pkey';
DO $$
DECLARE i record;
BEGIN
    FOR i IN SELECT indexname FROM saved_indexes LOOP
        EXECUTE format('DROP INDEX %I', i.indexname);
    END LOOP;
END $$;
ALTER TABLE tasks DROP CONSTRAINT tasks_pkey;
ALTER TABLE tasks DISABLE TRIGGER USER;

INSERT INTO tasks (task_id, service, status, condition, result, message, priority, tag, batch, attempt,
                   max_attempts, timeout_seconds, run_at, owner, worker_id, lease_until, progress,
                   created_at, started_at, ended_at, updated_at)
SELECT 'ts_' || service || '_' || md5(g::text), service, status,
       jsonb_build_object('n', g, 'text', 'item ' || g, 'size', g % 977, 'flags', jsonb_build_array(g % 2 = 0, g % 3 = 0)),
       CASE WHEN status = 'finished' THEN jsonb_build_object('ok', true, 'value', g % 1000) END,
       CASE status WHEN 'failed' THEN 'boom' WHEN 'cancelled' THEN 'cancelled by user' ELSE '' END,
       g % 10, CASE WHEN g % 10 = 0 THEN 'gpu' WHEN g % 10 = 1 THEN 'bulk' END,
       to_char(timestamptz '2026-01-01 00:00:00+00' + (g / (:rows / 8 + 1)) * interval '1 day', 'YYYY-MM-DD'),
       CASE WHEN status IN ('ready', 'waiting') THEN 0 ELSE 1 END, 3, 3600, created,
       CASE WHEN g % 10 < 6 THEN 'alice' WHEN g % 10 < 9 THEN 'bob' ELSE 'carol' END,
       CASE WHEN status IN ('running', 'finished', 'failed') THEN 'worker-' || (g % 8) END,
       CASE WHEN status = 'running' THEN timestamptz '2100-01-01 00:00:00+00' END,  -- no rescue by the reaper
       CASE WHEN status = 'running' THEN 0.5 END,
       created,
       CASE WHEN status IN ('running', 'finished', 'failed') THEN created + interval '1 s' END,
       CASE WHEN status IN ('finished', 'failed', 'cancelled') THEN created + interval '3 s' END,
       created + interval '3 s'
FROM (
    SELECT g,
           (ARRAY['echo', 'resize', 'transcode', 'thumbnail', 'ocr', 'translate', 'index', 'export',
                  'import', 'report', 'email', 'sms', 'webhook', 'backup', 'cleanup', 'geocode',
                  'classify', 'embed', 'train', 'score'])[1 + (g * 7) % 20] AS service,
           CASE WHEN r < 800 THEN 'finished' WHEN r < 850 THEN 'failed' WHEN r < 870 THEN 'cancelled'
                WHEN r < 920 THEN 'ready' WHEN r < 999 THEN 'waiting' ELSE 'running' END AS status,
           timestamptz '2026-01-01 00:00:00+00' + g * interval '100 ms' AS created
    FROM (SELECT g, abs(hashint4(g)) % 1000 AS r FROM generate_series(1, :rows) AS g) AS numbered
) AS spread;

ALTER TABLE tasks ADD PRIMARY KEY (task_id);
DO $$
DECLARE i record;
BEGIN
    FOR i IN SELECT indexdef FROM saved_indexes LOOP
        EXECUTE i.indexdef;
    END LOOP;
END $$;
ALTER TABLE tasks ENABLE TRIGGER USER;
TRUNCATE task_counts, task_count_deltas;
INSERT INTO task_counts (owner, service, status, batch, tag, n)
SELECT owner, service, status, batch, COALESCE(tag, ''), count(*) FROM tasks GROUP BY 1, 2, 3, 4, 5;
VACUUM ANALYZE tasks;
ANALYZE task_counts;
