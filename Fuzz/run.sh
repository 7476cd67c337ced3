#!/usr/bin/env bash
# Fuzzes load → validate → render with libFuzzer for MINUTES (default 10).
#
#   Fuzz/run.sh [MINUTES]
#
# Builds the harness with -sanitize=fuzzer,address (in Fuzz/.build), seeds a corpus from Specs/
# and every spec fixture, and runs. An input that crashes, takes longer than a second, or breaks
# a promise of PipelineInvariants is written to Fuzz/findings/; copy it into
# Tests/CourierGeneratorTests/Fixtures/FuzzFindings/ so the test suite replays it forever.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
seconds=$(( ${minutes%.*} * 60 ))
[ "$seconds" -gt 0 ] || seconds=$(python3 -c "print(int(float('$minutes') * 60))")

swift build -c release --package-path Fuzz --product courier-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
binary="$(swift build -c release --package-path Fuzz --show-bin-path -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)/courier-fuzz"

corpus=Fuzz/.build/corpus
mkdir -p "$corpus" Fuzz/findings
find Specs Tests/CourierGeneratorTests/Fixtures Tests/CourierSpecTests/Fixtures -name '*.courier.yaml' -exec cp {} "$corpus/" \;
cp Tests/CourierGeneratorTests/Fixtures/FuzzFindings/* "$corpus/" 2>/dev/null || true

# -timeout: an input that runs longer than a second is a finding (the generator's promise).
# -max_len: the promise covers inputs under 1 MB; the fuzzer works faster on small ones.
"$binary" "$corpus" -max_total_time="$seconds" -timeout=1 -rss_limit_mb=4096 -max_len=65536 \
  -artifact_prefix=Fuzz/findings/ -print_final_stats=1
