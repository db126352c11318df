#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer: scripts/fuzz.sh TARGET SECONDS [libFuzzer options]
# TARGET: requests | rules | connection. Builds the target once (release, coverage-instrumented with
# AddressSanitizer, in .build-fuzz), runs it on a copy of its committed seed corpus (Fuzz/Corpus/TARGET) for
# SECONDS, and keeps what it learns in .build-fuzz/corpus/TARGET. A finding stops the run
# with exit status 1 and leaves the input in .build-fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh requests|rules|connection SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh requests|rules|connection SECONDS}"
shift 2
case "$target" in
  requests) product=FuzzRequests ;;
  rules) product=FuzzRules ;;
  connection) product=FuzzConnection ;;
  *) echo "unknown target $target (requests, rules, connection)" >&2; exit 2 ;;
esac
export RINGPLAN_FUZZ=1 SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
# Instrumented as `-sanitize=fuzzer` would, but linked with libFuzzer's driver without its
# `main` (SwiftPM gives every executable a `main` of its own).
runtime="$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib/swift/clang/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a"
flags=(-c release --scratch-path .build-fuzz
       -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
       -Xlinker "$runtime" -Xlinker -lstdc++)
swift build "${flags[@]}" --product "$product" >&2
binary="$(swift build "${flags[@]}" --show-bin-path)/$product"
corpus=".build-fuzz/corpus/$target"
mkdir -p "$corpus" .build-fuzz/findings
cp -n Fuzz/Corpus/"$target"/* "$corpus"/ 2>/dev/null || true
# Leak detection is off: LeakSanitizer reports Swift's one-time metadata and the targets'
# compiled rule sets at exit (-rss_limit_mb still bounds memory; the soak watches growth).
exec "$binary" "$corpus" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=8192 -detect_leaks=0 \
  -artifact_prefix=.build-fuzz/findings/ -print_final_stats=1 "$@"
