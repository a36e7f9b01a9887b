#!/usr/bin/env bash
# Smoke run of the benchmark harness for CI: builds Benchmarks/ (the runner and the barrelman binary it starts)
# in debug and runs the smallest scenario (10 nodes x 20 services, 5 changes, 2 s idle) and the plain-client
# floor at that size; the first run also measures 2 s of node probing (--probe-window), and the last runs two
# remotes in one barrelman (-remote-config) and then one barrelman per remote. Figures from debug builds are not
# benchmark results.
set -euo pipefail
cd "$(dirname "$0")"
swift build --product scenario-runner
swift build --product barrelman
runner="$(swift build --show-bin-path)/scenario-runner"
timeout 120 "$runner" --scenario smoke --probe-window 2
timeout 120 "$runner" --scenario smoke --nodes-per-service 3
timeout 60 "$runner" --scenario smoke --floor
timeout 60 "$runner" --scenario smoke --remotes 2 --processes both
