-- Documents added or removed with /add-document and /remove-document on
-- a replica, which cannot change the shared index: the replica checks
-- the file and saves the change here, and the builder, the only writer
-- of the index, makes it, publishes the updated index and records how
-- it went. The file's bytes are dropped once the builder has taken it.
-- No parent's question is ever kept here.
CREATE TABLE pending_changes (
	id bigserial PRIMARY KEY,
	action text NOT NULL CHECK (action IN ('add-document', 'remove-document')),
	filename text NOT NULL DEFAULT '',
	data bytea,
	title text NOT NULL DEFAULT '',
	area text NOT NULL DEFAULT '',
	kind text NOT NULL DEFAULT '',
	source_url text NOT NULL DEFAULT '',
	document text NOT NULL DEFAULT '',
	by_user text NOT NULL DEFAULT '',
	created timestamptz NOT NULL,
	state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
	finished timestamptz,
	result jsonb,
	refusal jsonb,
	error text NOT NULL DEFAULT ''
);
CREATE INDEX pending_changes_pending ON pending_changes (id) WHERE state = 'pending';
