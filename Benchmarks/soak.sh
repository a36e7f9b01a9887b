#!/usr/bin/env bash
# Short churn soak for CI: 30 nodes x 100 services churned for 100 s with a fault every 8 s, then the local
# state must be exact and barrelman's RSS and open fds flat (scenario-runner --soak; see BENCHMARKS.md,
# "Soak", for the long run). Reuses smoke.sh's debug build; extra arguments are passed on.
set -euo pipefail
cd "$(dirname "$0")"
swift build --product scenario-runner
timeout 600 "$(swift build --show-bin-path)/scenario-runner" --soak 100 --seed 1 "$@"
