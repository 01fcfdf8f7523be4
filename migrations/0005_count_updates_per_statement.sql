-- 0005: the task counters (0002) learn of status changes once per UPDATE statement instead of
-- once per row. The row-level trigger ran a PL/pgSQL call and wrote two delta rows for every
-- task a claim or a completion changed: four delta rows and two calls per task run, most of the
-- work a batch of 256 claims asked of the counters. Now one statement-level trigger sums what
-- the statement changed, from its transition tables, into at most one delta row per counter
-- (often two per batch: `waiting` -1 x n, `running` +1 x n).
--
-- It fires for every UPDATE of tasks, also those that keep the counted columns (progress,
-- leases); their old and new rows cancel out and nothing is written (HAVING).
DROP TRIGGER task_counts_updated ON tasks;
DROP FUNCTION task_counts_updated();

CREATE FUNCTION task_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_count_deltas (owner, service, status, batch, tag, n)
    SELECT owner, service, status, batch, tag, sum(n) FROM (
        SELECT owner, service, status, batch, COALESCE(tag, '') AS tag, -1 AS n FROM old_rows
        UNION ALL
        SELECT owner, service, status, batch, COALESCE(tag, ''), 1 FROM new_rows
    ) changes
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
    RETURN NULL;
END $$;
CREATE TRIGGER task_counts_updated AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION task_counts_updated();
