-- The Flask + Celery peer's table: the columns the load generator reads.
CREATE TABLE tasks (
    task_id    text PRIMARY KEY,
    service    text NOT NULL,
    status     text NOT NULL,
    condition  jsonb NOT NULL,
    result     jsonb,
    batch      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    ended_at   timestamptz
);
CREATE INDEX tasks_batch_idx ON tasks (batch);
