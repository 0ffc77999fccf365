#!/usr/bin/env bash
# Run every benchmark from the repo root; exit non-zero if any target is missed.
# Usage: bench/run_all.sh [python]   (default: $PYTHON, else /work/venv/bin/python if present, else python)
set -u
cd "$(dirname "$0")/.."
PY="${1:-${PYTHON:-}}"
if [ -z "$PY" ]; then
  if [ -x /work/venv/bin/python ]; then PY=/work/venv/bin/python; else PY=python; fi
fi
status=0
for script in gemma_startup app_startup tokens_handler tokenize_file; do
  echo
  echo "################ bench/$script.py"
  start=$(date +%s)
  "$PY" "bench/$script.py" || status=1
  echo "(bench/$script.py took $(( $(date +%s) - start )) s)"
done
echo
if [ "$status" -eq 0 ]; then echo "ALL PASS"; else echo "SOME TARGETS MISSED (see FAIL lines above)"; fi
exit "$status"
