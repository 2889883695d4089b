#!/usr/bin/env bash
# Fuzzes the CloudFormation loader with cargo-fuzz (libFuzzer) for a while.
#
#   scripts/fuzz.sh [SECONDS]      default 120
#
# cargo-fuzz needs a nightly toolchain. Without one this says so and exits 0: CI still
# exercises the same code through the randomised tests in crates/source-cfn/tests/random.rs.
# Seeds: the shared template corpora when present. Crashes land in fuzz/artifacts/.
set -euo pipefail

seconds="${1:-120}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz.sh: no nightly toolchain (rustup toolchain install nightly); skipping cargo fuzz"
    exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

corpus="corpus/load_template"
mkdir -p "$corpus"
seeds=()
for dir in "$root/../shared/corpora/cfn" "$root/../shared/corpora/cfn-edge"; do
    [ -d "$dir" ] && seeds+=("$dir")
done

# -rss_limit_mb and -timeout turn memory blow-ups and hangs into reported crashes.
# seeds are read-only inputs: new findings go to $corpus only.
cargo +nightly fuzz run load_template "$corpus" "${seeds[@]}" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -dict=load_template.dict -print_final_stats=1
