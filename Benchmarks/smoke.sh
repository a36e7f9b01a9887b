#!/usr/bin/env bash
# Smoke run of the benchmark harness for CI: builds Benchmarks/ (the runner and the barrelman binary it starts)
# in debug and runs the smallest scenario (10 nodes x 20 services, 5 changes, 2 s idle). Figures from debug
# builds are not benchmark results.
set -euo pipefail
cd "$(dirname "$0")"
swift build --product scenario-runner
swift build --product barrelman
timeout 120 "$(swift build --show-bin-path)/scenario-runner" --scenario smoke
timeout 120 "$(swift build --show-bin-path)/scenario-runner" --scenario smoke --nodes-per-service 3
