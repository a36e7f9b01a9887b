#!/usr/bin/env bash
# Builds the libFuzzer targets with AddressSanitizer (LeakSanitizer on) and runs each for N seconds
# (default 30) from its committed seed corpus. Installs nothing. Exits non-zero on any crash, leak, timeout
# or out-of-memory, naming the reproducer. New inputs go to a scratch folder, never into Corpus/.
#   Fuzz/run.sh [seconds-per-target]
#   FUZZ_TARGETS="models kubeconfig" Fuzz/run.sh 600     # a subset, longer
#   FUZZ_WORK_DIR=/tmp/fuzz Fuzz/run.sh                  # keep the new inputs and reproducers there
#   Fuzz/run.sh --build-only                              # build only (scripts/test does it with the network)
set -euo pipefail
build_only=false
if [ "${1:-}" = "--build-only" ]; then
  build_only=true
  shift
fi
seconds="${1:-30}"
targets=(${FUZZ_TARGETS:-models watch-stream kubeconfig service-account-key})
cd "$(dirname "$0")"
fuzz_dir="$PWD"

# SwiftPM's --sanitize flags instrument the package's C targets (not Debian's libyaml) and link libFuzzer, which supplies
# main(). swiftc keeps only the last of several -sanitize flags, so without the combined -Xswiftc flag
# (which comes last) Swift code would get ASan but no coverage.
build=(swift build -c debug --sanitize fuzzer --sanitize address -Xswiftc -sanitize=fuzzer,address)
build_log="$(mktemp)"
started=$SECONDS
if ! "${build[@]}" >"$build_log" 2>&1; then
  # gold warns once per ASan helper symbol; those lines are noise.
  grep -v "Cannot export local symbol" "$build_log" >&2
  exit 1
fi
rm -f "$build_log"
bin="$("${build[@]}" --show-bin-path)"
echo "fuzz: built in $((SECONDS - started)) s"
"$build_only" && exit 0

work="${FUZZ_WORK_DIR:-$(mktemp -d -t barrelman-fuzz.XXXXXX)}"
failed=()
for target in "${targets[@]}"; do
  case "$target" in
    kubeconfig) dict="$fuzz_dir/Dictionaries/yaml.dict" ;;
    *) dict="$fuzz_dir/Dictionaries/json.dict" ;;
  esac
  new_inputs="$work/$target/corpus"
  artifacts="$work/$target/artifacts"
  log="$work/$target/fuzz.log"
  mkdir -p "$new_inputs" "$artifacts"
  # libFuzzer writes new inputs only to the first folder; the committed corpus is read.
  # The outer timeout only catches a fuzzer that stops reporting; -timeout catches a hanging input.
  status=0
  # Swift's own backtracer would run inside ASan's signal handling; libFuzzer reports the crash instead.
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" \
    timeout --kill-after=10 "$((seconds + 120))" \
    "$bin/fuzz-$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -dict="$dict" \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$new_inputs" "$fuzz_dir/Corpus/$target" \
    </dev/null >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
  coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)"
  if [ "$status" -eq 0 ]; then
    echo "fuzz-$target: ok, ${runs:-?} runs in ${seconds} s (${rate:-?}/s), ${coverage:-cov: ?}"
  else
    failed+=("$target")
    echo "fuzz-$target: FAILED (exit $status); from $log:"
    grep -E -A3 "ERROR|SUMMARY|Fatal error|Test unit written|out-of-memory|leak" "$log" | head -40 || true
    for reproducer in "$artifacts"/*; do
      [ -e "$reproducer" ] || continue
      echo "  reproducer: $reproducer"
      echo "  replay:     SWIFT_BACKTRACE=enable=no $bin/fuzz-$target $reproducer"
    done
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (logs and new inputs in $work)" >&2
  exit 1
fi
echo "fuzz: all targets ok; new inputs in $work"
