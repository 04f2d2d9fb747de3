#!/usr/bin/env bash
# How long a replica takes to check a large index against its manifest
# (index.Verify: the SHA-256 of every file) before opening it.
#
#   bash bench/manifest/run.sh [PASSAGES]      (default: 1000000)
#
# Writing and building 1,000,000 passages takes about four minutes on
# two cores; the work folder is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOFLAGS=${GOFLAGS:--buildvcs=false}
go run ./bench/manifest -passages "${1:-1000000}" -shared ../shared
