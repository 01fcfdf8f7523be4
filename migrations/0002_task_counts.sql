-- 0002: an exact `total` for the tasks list at any table size, and indexes for the list's
-- orderings and filters (SPEC sections 2 and 11: list with total, p99 < 50 ms at 10 M rows).
--
-- `SELECT count(*) FROM tasks WHERE ...` reads every matching row: seconds at 10 M rows. Instead
-- triggers keep the number of tasks per (owner, service, status, batch, tag) in the same
-- transaction as the change, and the list sums the rows that match its filter.
--
-- Concurrent creates must not queue on one counter row (each would hold its row lock until its
-- commit's WAL flush), so the triggers only append delta rows to task_count_deltas, which has no
-- index and no row anyone updates. `task_counts_compact()` (run every second by `jobserver
-- serve`) moves them into task_counts in one statement: readers sum both tables in one
-- snapshot, so a total is exact whether or not its deltas were compacted yet.

-- No writes to tasks between creating the triggers and counting what is already there.
LOCK TABLE tasks IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE task_counts (
    owner   text NOT NULL,
    service text NOT NULL,
    status  text NOT NULL,
    batch   text NOT NULL,
    tag     text NOT NULL,                                   -- '' for an untagged task
    n       bigint NOT NULL,
    PRIMARY KEY (owner, service, status, batch, tag)
);

CREATE TABLE task_count_deltas (
    owner   text NOT NULL,
    service text NOT NULL,
    status  text NOT NULL,
    batch   text NOT NULL,
    tag     text NOT NULL,
    n       bigint NOT NULL                                  -- + created / entered, - deleted / left
);

CREATE FUNCTION task_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_count_deltas (owner, service, status, batch, tag, n)
    SELECT owner, service, status, batch, COALESCE(tag, ''), count(*) FROM new_rows
    GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END $$;
CREATE TRIGGER task_counts_inserted AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION task_counts_inserted();

CREATE FUNCTION task_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_count_deltas (owner, service, status, batch, tag, n)
    SELECT owner, service, status, batch, COALESCE(tag, ''), -count(*) FROM old_rows
    GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END $$;
CREATE TRIGGER task_counts_deleted AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION task_counts_deleted();

-- Row level with a WHEN clause: updates that keep the counted columns (progress, leases,
-- heartbeats, results) never call the function.
CREATE FUNCTION task_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_count_deltas (owner, service, status, batch, tag, n) VALUES
        (OLD.owner, OLD.service, OLD.status, OLD.batch, COALESCE(OLD.tag, ''), -1),
        (NEW.owner, NEW.service, NEW.status, NEW.batch, COALESCE(NEW.tag, ''), 1);
    RETURN NULL;
END $$;
CREATE TRIGGER task_counts_updated AFTER UPDATE ON tasks FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.owner IS DISTINCT FROM NEW.owner
          OR OLD.service IS DISTINCT FROM NEW.service OR OLD.batch IS DISTINCT FROM NEW.batch
          OR OLD.tag IS DISTINCT FROM NEW.tag)
    EXECUTE FUNCTION task_counts_updated();

CREATE FUNCTION task_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE task_counts, task_count_deltas;
    RETURN NULL;
END $$;
CREATE TRIGGER task_counts_truncated AFTER TRUNCATE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION task_counts_truncated();

-- Moves the committed deltas into task_counts; returns how many delta rows it moved. Safe to run
-- from several processes at once (one at a time does the work, the others return 0).
CREATE FUNCTION task_counts_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    moved bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('task_counts_compact')) THEN
        RETURN 0;
    END IF;
    WITH taken AS (
        DELETE FROM task_count_deltas RETURNING owner, service, status, batch, tag, n
    ), summed AS (
        SELECT owner, service, status, batch, tag, sum(n) AS n, count(*) AS rows
        FROM taken GROUP BY 1, 2, 3, 4, 5
    ), merged AS (
        INSERT INTO task_counts AS c (owner, service, status, batch, tag, n)
        SELECT owner, service, status, batch, tag, n FROM summed
        ON CONFLICT (owner, service, status, batch, tag) DO UPDATE SET n = c.n + excluded.n
    )
    SELECT COALESCE(sum(rows), 0) INTO moved FROM summed;
    DELETE FROM task_counts WHERE n = 0;
    RETURN moved;
END $$;

INSERT INTO task_counts (owner, service, status, batch, tag, n)
SELECT owner, service, status, batch, COALESCE(tag, ''), count(*) FROM tasks GROUP BY 1, 2, 3, 4, 5;

-- The admin's list without filters, newest first, keyset on (created_at, task_id).
CREATE INDEX tasks_created_idx ON tasks (created_at DESC, task_id DESC);
-- Lists filtered by batch: a batch is a run of consecutive tasks, often far from the newest.
CREATE INDEX tasks_batch_created_idx ON tasks (batch, created_at DESC, task_id DESC);
-- Lists filtered by status alone (or with an owner), e.g. the few running or failed tasks.
CREATE INDEX tasks_status_created_idx ON tasks (status, created_at DESC, task_id DESC);
-- Lists filtered by tag; most tasks have none, so the index holds the tagged ones only.
CREATE INDEX tasks_tag_created_idx ON tasks (tag, created_at DESC, task_id DESC) WHERE tag IS NOT NULL;
