-- 0003: two indexes of `tasks` that no query needs any more. Every claim and every completion
-- changes indexed columns (status, worker_id, lease_until), so PostgreSQL cannot update those
-- rows in place (no HOT update) and writes a new entry into every index of the table: each index
-- costs three writes per task (create, claim, completion). Dropping is instant at any size.

-- Was for the scheduler; delayed tasks and retries are outbox rows with available_at, and
-- nothing reads waiting tasks by run_at. (It also drew batch claims away from the primary key
-- while statistics lagged behind a burst of waiting tasks.)
DROP INDEX IF EXISTS tasks_due_idx;

-- (batch, service): batch filters, with or without a service, are served by
-- tasks_batch_created_idx (batch, created_at DESC, task_id DESC) from 0002, which also gives the
-- list's order; per-batch totals come from task_counts.
DROP INDEX IF EXISTS tasks_batch_idx;
