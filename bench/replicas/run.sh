#!/usr/bin/env bash
# Questions per second per replica, and answer times, with a builder and
# two replicas of sendbot (real processes) answering signed interactions
# from the fake Discord on loopback through their HTTP interactions
# endpoints: a bounded load (2,000 /ask interactions, 8 askers at a time,
# each waiting for its answer, sent to the replicas in turn), once with
# the embedded store and once with PostgreSQL. The figures go in
# bench/RESULTS.md and docs/scaling.md by hand.
#
#   bash bench/replicas/run.sh
#
# It starts a throwaway PostgreSQL with .ci/postgres unless
# SENDBOT_TEST_DATABASE_URL is set already. The load itself is
# BenchmarkReplicasUnderLoad in cmd/sendbot/replicas_bench_test.go.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOFLAGS=${GOFLAGS:--buildvcs=false}
if [ -z "${SENDBOT_TEST_DATABASE_URL:-}" ]; then
  eval "$(bash .ci/postgres start)"
  trap 'bash .ci/postgres stop "$SENDBOT_TEST_PGDIR"' EXIT
fi
go test ./cmd/sendbot -run '^$' -bench ReplicasUnderLoad -benchtime 1x -count 1 2>&1 | grep -v 'http.go'
