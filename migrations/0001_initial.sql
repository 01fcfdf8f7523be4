-- 0001: the tables of the product contract (SPEC section 5). Ops query these directly, so the
-- table and column names are part of the contract. Applied in one transaction by
-- `jobserver migrate`; schema_migrations itself is created by the migrator.

-- Tasks: PostgreSQL is the source of truth; a RabbitMQ message is only a wake-up.
CREATE TABLE tasks (
    task_id          text PRIMARY KEY,                       -- ts_<service>_<32 hex>
    service          text NOT NULL,
    status           text NOT NULL CHECK (status IN ('ready', 'waiting', 'running', 'finished', 'failed', 'cancelled')),
    condition        jsonb NOT NULL,                         -- the task's input, kept exactly
    result           jsonb,                                  -- the function's output, kept exactly
    message          text NOT NULL DEFAULT '',               -- last status message
    status_messages  jsonb NOT NULL DEFAULT '[]'::jsonb,     -- earlier messages, oldest first
    priority         smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 9),
    tag              text,                                   -- routes to jobs.<service>.<tag>
    batch            text NOT NULL,
    attempt          integer NOT NULL DEFAULT 0,             -- runs started so far
    max_attempts     integer NOT NULL CHECK (max_attempts >= 1),
    timeout_seconds  double precision NOT NULL CHECK (timeout_seconds > 0),
    run_at           timestamptz NOT NULL DEFAULT now(),     -- not claimable before this
    owner            text NOT NULL,                          -- the user who created it
    worker_id        text,                                   -- who runs / ran the current attempt
    lease_until      timestamptz,                            -- a running task is rescued after this
    progress         double precision CHECK (progress BETWEEN 0 AND 1),
    cancel_requested boolean NOT NULL DEFAULT false,         -- cooperative cancel of a running task
    idempotency_key  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    ended_at         timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- A user's list, newest first, and keyset paging on (created_at, task_id).
CREATE INDEX tasks_owner_created_idx ON tasks (owner, created_at DESC, task_id DESC);
-- Admin lists and filters by service / status.
CREATE INDEX tasks_service_status_created_idx ON tasks (service, status, created_at DESC);
-- Summary per (service, batch) and batch filters.
CREATE INDEX tasks_batch_idx ON tasks (batch, service);
-- The scheduler: waiting tasks that become due.
CREATE INDEX tasks_due_idx ON tasks (run_at) WHERE status = 'waiting';
-- The reaper: running tasks whose lease expires.
CREATE INDEX tasks_lease_idx ON tasks (lease_until) WHERE status = 'running';
-- Filters by worker.
CREATE INDEX tasks_worker_idx ON tasks (worker_id) WHERE worker_id IS NOT NULL;
-- A repeated idempotency key from the same user finds the first task.
CREATE UNIQUE INDEX tasks_idempotency_idx ON tasks (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Every status transition, append-only: who, when, from, to, which attempt.
CREATE TABLE task_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     text NOT NULL,                               -- no foreign key: events outlive deleted tasks
    from_status text,                                        -- null when the task is created
    to_status   text NOT NULL,
    actor       text NOT NULL,                               -- user name, worker id or 'reaper' / 'scheduler'
    attempt     integer,
    message     text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_events_task_idx ON task_events (task_id, id);

-- The transactional outbox: a row is written with its task in one transaction, published by the
-- relay in `jobserver` with publisher confirms, then deleted. A delayed task or a retry gets a
-- row whose available_at is its run_at: the relay publishes it when it falls due, so delayed
-- runs need no broker TTL tricks and no second scheduler table.
CREATE TABLE task_outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id      text NOT NULL,
    priority     smallint NOT NULL DEFAULT 0,
    available_at timestamptz NOT NULL DEFAULT now(),
    created_at   timestamptz NOT NULL DEFAULT now()
);
-- The relay drains due rows, highest priority first, then oldest.
CREATE INDEX task_outbox_drain_idx ON task_outbox (available_at, priority DESC, id);

-- Wakes the relay at commit: NOTIFY is delivered when the inserting transaction commits.
CREATE FUNCTION task_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('task_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER task_outbox_notify AFTER INSERT ON task_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION task_outbox_notify();

-- API users. The timestamp-MD5 scheme needs the secret itself, so it is stored encrypted
-- (AES-256-GCM, nonce || ciphertext || tag) under the key in auth.key_file.
CREATE TABLE users (
    name              text PRIMARY KEY,
    role              text NOT NULL CHECK (role IN ('admin', 'user', 'consumer')),
    secret_encrypted  bytea NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Live and recently seen workers, refreshed by their heartbeat.
CREATE TABLE workers (
    worker_id     text PRIMARY KEY,
    host          text NOT NULL,
    pid           integer NOT NULL,
    version       text NOT NULL,
    services      text[] NOT NULL DEFAULT '{}',
    tags          text[] NOT NULL DEFAULT '{}',
    concurrency   integer NOT NULL,
    running       integer NOT NULL DEFAULT 0,
    processed     bigint NOT NULL DEFAULT 0,
    failed        bigint NOT NULL DEFAULT 0,
    load          double precision[] NOT NULL DEFAULT '{}',  -- 1, 5 and 15 minute load averages
    state         text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'stopping', 'stopped')),
    command       jsonb,                                      -- pending worker_control command
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workers_heartbeat_idx ON workers (heartbeat_at DESC);
