#!/usr/bin/env bash
# bench/trail: `nextgap trail` over a ~1 GB CloudTrail corpus with planted anti-patterns, side by side
# with zcat (the floor), jq and a Python json baseline.
#
#   bench/trail/run.sh [--help] [options]     (see bench/trail/README.md)
#
# Generates the corpus once (bench/trail/gen_corpus.py, cached in
# ${XDG_CACHE_HOME:-$HOME/.cache}/nextgap-bench/trail-corpus), builds nextgap in release, runs every
# tool over the same files and prints a table, the ratios and found-vs-expected per built-in rule.
# The work is done by bench/trail/run.py; this wrapper only finds a Python 3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../python.sh
source "$here/../python.sh" "bench/trail"
exec "$python" "$here/run.py" "$@"
