#!/usr/bin/env bash
# bench/wargame: `nextgap wargame --all` (full graph + blast radius of every principal) side by side
# with cloudsplaining and PMapper on the same `get-account-authorization-details` inputs.
#
#   bench/wargame/run.sh [--help] [options]     (see bench/README.md)
#
# Installs the peers in ${XDG_CACHE_HOME:-$HOME/.cache}/nextgap-bench/wargame-venv, generates the
# synthetic accounts once (bench/wargame/gen_account.py, cached in .../nextgap-bench/wargame/inputs),
# runs every tool on the same inputs and prints a table, the ratios and planted paths found vs expected.
# The work is done by bench/wargame/run.py; this wrapper only finds a Python 3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../python.sh
source "$here/../python.sh" "bench/wargame"
exec "$python" "$here/run.py" "$@"
