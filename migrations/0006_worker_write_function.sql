-- 0006: a worker's batch of claims and completions (TaskRunStore.writeAll) as one function,
-- so that its plan is made once per connection instead of at every call. Planned at each call,
-- the statement cost PostgreSQL 0.3-0.4 ms of planning, about as much as running it for a few
-- tasks. `plan_cache_mode = force_generic_plan` keeps the cached plan: left to choose, PL/pgSQL
-- kept planning each call anew, since a custom plan for the actual (often empty) arrays always
-- looks cheaper (0.5-0.7 ms per call for a single claim, against 0.10-0.15 ms with the generic
-- plan). A plan cached across calls is safe only if no table size can turn it into a scan of
-- `tasks`: the function's own settings rule out sequential scans, hash and merge joins, so every
-- plan reads `tasks` by its primary key, one probe per named task, whatever the statistics say
-- (a cached generic plan made while `tasks` was nearly empty would otherwise scan all of it).
--
-- Each row keeps the conditions of its single-row statement: a claim takes a task only if it is
-- waiting, due and not being cancelled; a completion is fenced by worker id, attempt and status
-- running (the `IS TRUE` form matches no index but the primary key). Claims come back with
-- their task; completions as an id with NULL service.
CREATE FUNCTION worker_write(
    worker text, lease_seconds float8, claim_ids text[],
    done_ids text[], done_attempts int8[], done_statuses text[], done_messages text[],
    done_results text[], done_has_result bool[], done_delays float8[])
RETURNS TABLE (task_id text, service text, condition text, attempt int, max_attempts int, timeout_seconds float8)
LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY
    WITH claimed AS (
        UPDATE tasks t SET status = 'running', worker_id = worker, attempt = t.attempt + 1,
            lease_until = now() + make_interval(secs => lease_seconds), started_at = now(), ended_at = NULL,
            progress = NULL, updated_at = now()
        WHERE t.task_id = ANY(claim_ids)
            AND (t.status = 'waiting' AND t.run_at <= now() AND NOT t.cancel_requested) IS TRUE
        RETURNING t.task_id, t.service, t.condition::text, t.attempt, t.max_attempts, t.timeout_seconds
    ), input AS (
        SELECT * FROM unnest(done_ids, done_attempts, done_statuses, done_messages, done_results, done_has_result, done_delays)
            AS i(task_id, attempt, status, message, result, has_result, delay)
    ), done AS (
        UPDATE tasks t SET status = i.status,
            result = CASE WHEN i.has_result THEN i.result::jsonb ELSE t.result END,
            message = i.message, lease_until = NULL, updated_at = now(),
            progress = CASE WHEN i.status = 'finished' THEN 1 ELSE t.progress END,
            ended_at = CASE WHEN i.status = 'waiting' THEN NULL ELSE now() END,
            run_at = CASE WHEN i.status = 'waiting' THEN now() + make_interval(secs => i.delay) ELSE t.run_at END
        FROM input i
        WHERE t.task_id = i.task_id AND (t.worker_id = worker AND t.attempt = i.attempt AND t.status = 'running') IS TRUE
        RETURNING t.task_id, t.priority, t.run_at, t.status, i.attempt, i.message
    ), events AS (
        INSERT INTO task_events (task_id, from_status, to_status, actor, attempt, message)
        SELECT c.task_id, 'waiting', 'running', worker, c.attempt, '' FROM claimed c
        UNION ALL
        SELECT d.task_id, 'running', d.status, worker, d.attempt, d.message FROM done d
    ), queued AS (
        INSERT INTO task_outbox (task_id, priority, available_at)
        SELECT d.task_id, d.priority, d.run_at FROM done d WHERE d.status = 'waiting'
    )
    -- `claimed` is read first: its rows are locked before those of `done` (see writeAll).
    SELECT c.task_id, c.service, c.condition, c.attempt, c.max_attempts, c.timeout_seconds FROM claimed c
    UNION ALL
    SELECT d.task_id, NULL, NULL, NULL, NULL, NULL FROM done d;
END $$;
