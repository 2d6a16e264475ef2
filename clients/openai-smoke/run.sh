#!/usr/bin/env bash
# Smoke test of inference-svc's OpenAI-compatible API with the official openai SDK (Node).
#
#   KAZGRPC_OPENAI_BASE_URL     the API's base URL (default http://127.0.0.1:8080/v1)
#   KAZGRPC_SMOKE_WAIT_SECONDS  how long to wait for the models to be listed (default 60)
#   KAZGRPC_SMOKE_REPORTER      node test reporter (default tap, whose output always ends with the
#                               summary lines; spec is easier on the eye)
#
# Exits non-zero when any check fails. Needs Node >= 20 and npm.
set -euo pipefail
cd "$(dirname "$0")"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
  echo "npm ci failed:" >&2
  cat "$log" >&2
  exit 2
fi
rm -f "$log"
trap - EXIT

exec node --test --test-reporter="${KAZGRPC_SMOKE_REPORTER:-tap}" test/openai.test.js
