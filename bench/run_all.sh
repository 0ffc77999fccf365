#!/usr/bin/env bash
# Run every benchmark from the repo root; exit non-zero if any target is missed.
# Usage: bench/run_all.sh [python [name ...]]
#   python: default .venv/bin/python if present, else $PYTHON, else python ("" also means the default)
#   names:  a subset of the scripts below, e.g. `bench/run_all.sh "" windows train`
set -u
cd "$(dirname "$0")/.."
PY="${1:-}"
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY="${PYTHON:-python}"; fi
fi
shift $(( $# > 0 ? 1 : 0 ))
scripts="${*:-gemma_startup app_startup tokens_handler tokenize_file windows embeddings neighbours train load gemma_model selection page_latency}"
echo "interpreter: $PY"
status=0
for script in $scripts; do
  echo
  echo "################ bench/$script.py"
  start=$(date +%s)
  "$PY" "bench/$script.py" || status=1
  echo "(bench/$script.py took $(( $(date +%s) - start )) s)"
done
echo
if [ "$status" -eq 0 ]; then echo "ALL PASS"; else echo "SOME TARGETS MISSED (see FAIL lines above)"; fi
exit "$status"
