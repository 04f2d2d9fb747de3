-- /reindex, /add-source and /remove-source on a replica, handed to the
-- builder as /add-document is (002): a reindex, or a site to add or
-- remove, is a change too. A site proposed with /add-source waits here
-- as 'proposed' until a moderator's Confirm (on any replica) makes it
-- 'pending', or Cancel makes it 'cancelled'. site is the site (its
-- address, scope, page limit, area, kind); outcome what the builder's
-- reindex found (counts, problems, how the crawl went), for the replica
-- to tell the moderator. No parent's question is ever kept here.
ALTER TABLE pending_changes DROP CONSTRAINT pending_changes_action_check;
ALTER TABLE pending_changes ADD CONSTRAINT pending_changes_action_check
	CHECK (action IN ('add-document', 'remove-document', 'reindex', 'add-source', 'remove-source'));
ALTER TABLE pending_changes DROP CONSTRAINT pending_changes_state_check;
ALTER TABLE pending_changes ADD CONSTRAINT pending_changes_state_check
	CHECK (state IN ('proposed', 'pending', 'done', 'failed', 'cancelled'));
ALTER TABLE pending_changes ADD COLUMN site jsonb;
ALTER TABLE pending_changes ADD COLUMN outcome jsonb;

-- How far the builder has got with a change it is making (a reindex's
-- stage and counts), written outside the transaction that holds the
-- change's row, so that the replica waiting can show it. No foreign key:
-- checking one would wait for that transaction.
CREATE TABLE change_progress (
	id bigint PRIMARY KEY,
	progress jsonb NOT NULL,
	updated timestamptz NOT NULL
);

-- The sites the builder crawls (those added from Discord, and how each
-- last crawl went), which it keeps here for the replicas' /sources and
-- /remove-source: one row.
CREATE TABLE builder_sites (
	id int PRIMARY KEY CHECK (id = 1),
	sites jsonb NOT NULL,
	updated timestamptz NOT NULL
);
