-- sendbot's shared state, for replicas that serve one bot together.
-- What each table keeps is what the file stores keep (docs/privacy.md).

-- Helpful / Not helpful votes: the key that hashes voters (one row), a
-- vote per keyed hash of voter and answer, never a user ID, and each
-- passage's counts.
CREATE TABLE feedback_secret (
	only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
	secret bytea NOT NULL
);
CREATE TABLE feedback_votes (
	voter_key text PRIMARY KEY,
	passage text NOT NULL,
	helpful boolean NOT NULL
);
CREATE TABLE feedback_counts (
	passage text PRIMARY KEY,
	helpful integer NOT NULL DEFAULT 0,
	not_helpful integer NOT NULL DEFAULT 0
);

-- Gaps: for each question declined or marked Not helpful, the time, the
-- kind and the words and phrases gaps.Reduce kept, never the question.
CREATE TABLE gap_records (
	id bigserial PRIMARY KEY,
	at timestamptz NOT NULL,
	kind smallint NOT NULL CHECK (kind IN (1, 2)),
	words text[] NOT NULL,
	phrases text[] NOT NULL
);
CREATE INDEX gap_records_at ON gap_records (at);

-- The moderators' audit log.
CREATE TABLE audit_log (
	id bigserial PRIMARY KEY,
	at timestamptz NOT NULL,
	who text NOT NULL,
	action text NOT NULL,
	detail text NOT NULL DEFAULT '',
	result text NOT NULL
);

-- Answers kept for an hour so that More results and Not helpful work on
-- any replica: the passages shown (never the question) and, when gap
-- recording is on, what /gaps may keep of the question until a vote.
CREATE TABLE answer_pages (
	id text PRIMARY KEY,
	created timestamptz NOT NULL,
	answer bytea NOT NULL,
	gap bytea
);
CREATE INDEX answer_pages_created ON answer_pages (created);
