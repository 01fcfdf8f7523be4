-- The SQL one task costs in JobServer (one client = one task at a time): create (task, event,
-- outbox row), relay (lock the outbox row, delete it), claim (running + event), complete
-- (finished + event). Four transactions, as in the unbatched path.
\set n random(1, 9000000000000000000)
WITH t AS (
    INSERT INTO tasks (task_id, service, status, condition, batch, max_attempts, timeout_seconds, owner)
    VALUES ('ts_pgbench_' || :n, 'echo', 'waiting', '{"n":1}', 'pgbench', 3, 3600, 'bench')
    RETURNING task_id, priority
), e AS (
    INSERT INTO task_events (task_id, to_status, actor) SELECT task_id, 'waiting', 'bench' FROM t
)
INSERT INTO task_outbox (task_id, priority) SELECT task_id, priority FROM t;
BEGIN;
SELECT o.id, t.service, t.condition::text FROM task_outbox o LEFT JOIN tasks t ON t.task_id = o.task_id
    WHERE o.task_id = 'ts_pgbench_' || :n FOR UPDATE OF o SKIP LOCKED;
DELETE FROM task_outbox WHERE task_id = 'ts_pgbench_' || :n;
COMMIT;
WITH claimed AS (
    UPDATE tasks SET status = 'running', worker_id = 'pgbench', attempt = attempt + 1,
        lease_until = now() + interval '10 s', started_at = now(), updated_at = now()
    WHERE task_id = 'ts_pgbench_' || :n AND status = 'waiting' AND run_at <= now() AND NOT cancel_requested
    RETURNING task_id, service, condition::text, attempt
), e AS (
    INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
    SELECT task_id, 'waiting', 'running', 'pgbench', attempt FROM claimed
)
SELECT * FROM claimed;
WITH done AS (
    UPDATE tasks SET status = 'finished', result = '{"n":1}', lease_until = NULL, updated_at = now(), ended_at = now()
    WHERE task_id = 'ts_pgbench_' || :n AND worker_id = 'pgbench' AND status = 'running'
    RETURNING task_id, attempt
), e AS (
    INSERT INTO task_events (task_id, from_status, to_status, actor, attempt)
    SELECT task_id, 'running', 'finished', 'pgbench', attempt FROM done
)
SELECT count(*) FROM done;
