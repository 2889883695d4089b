# Sourced by the bench wrappers: sets $python to a Python >= 3.9 ($NEXTGAP_BENCH_PYTHON, else
# python3 or python on PATH), or exits 2 naming the bench ($1).
python="${NEXTGAP_BENCH_PYTHON:-}"
if [[ -z "$python" ]]; then
    for candidate in python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
            python="$candidate"
            break
        fi
    done
fi
if [[ -z "$python" ]]; then
    echo "$1: needs Python >= 3.9 (set NEXTGAP_BENCH_PYTHON)" >&2
    exit 2
fi
