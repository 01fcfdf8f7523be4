-- 0004: `jobserver` publishes the tasks it has just created itself, right after their commit
-- (the "handoff"), instead of waking the relay for them. Their outbox rows are written with
-- available_at a few seconds ahead, so the relay leaves them alone unless the handoff fails (a
-- crash, a broker outage): then the relay publishes them when they fall due, as before.
--
-- The relay is therefore woken only by rows due now or within a second (a task queued by an
-- action or a retry, a short delay), not by every create: a statement-level trigger with a
-- transition table looks at the rows the statement inserted. NOTIFY also takes a lock held
-- until commit that serialises every committing transaction that sent one.
DROP TRIGGER task_outbox_notify ON task_outbox;
DROP FUNCTION task_outbox_notify();

CREATE FUNCTION task_outbox_notify_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM inserted WHERE available_at <= now() + interval '1 second') THEN
        PERFORM pg_notify('task_outbox', '');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER task_outbox_notify AFTER INSERT ON task_outbox REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION task_outbox_notify_due();
