-- pgbench peer of create_task (single): the statement TaskStore.create runs
-- (Sources/JobStore/Tasks/TaskStore.swift), with the input rows made in SQL instead of bound arrays.
-- Keep its shape in step with TaskStore.create.
WITH input AS (
        SELECT 'ts_echo_' || replace(gen_random_uuid()::text, '-', '') AS task_id, 'echo'::text AS service,
               '{"n":1,"text":"hello"}'::text AS condition, 0::int8 AS priority, ''::text AS tag,
               '2026-01-01'::text AS batch, 3::int8 AS max_attempts, 3600::float8 AS timeout_seconds,
               0::float8 AS delay_seconds, true AS start, ''::text AS idempotency_key, 1::int8 AS ord
), inserted AS (
    INSERT INTO tasks (task_id, service, status, condition, priority, tag, batch, max_attempts,
                       timeout_seconds, run_at, owner, idempotency_key)
    SELECT task_id, service, CASE WHEN start THEN 'waiting' ELSE 'ready' END, condition::jsonb,
           priority, NULLIF(tag, ''), batch, max_attempts, timeout_seconds,
           now() + make_interval(secs => delay_seconds), 'pgbench', NULLIF(idempotency_key, '')
    FROM input ORDER BY ord
    ON CONFLICT (owner, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING task_id, status, priority, run_at
), events AS (
    INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
    SELECT task_id, NULL, status, 'pgbench', 0 FROM inserted
), outbox AS (
    INSERT INTO task_outbox (task_id, priority, available_at)
    SELECT task_id, priority, run_at FROM inserted WHERE status = 'waiting'
)
SELECT COALESCE(inserted.task_id, earlier.task_id) AS task_id
FROM input
LEFT JOIN inserted ON inserted.task_id = input.task_id
LEFT JOIN tasks earlier ON inserted.task_id IS NULL AND earlier.owner = 'pgbench'
    AND earlier.idempotency_key = NULLIF(input.idempotency_key, '')
ORDER BY input.ord;
