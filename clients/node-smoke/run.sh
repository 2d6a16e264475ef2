#!/usr/bin/env bash
# Node smoke test of KazGrpc services, discovered by gRPC server reflection (no .proto files).
#
#   KAZGRPC_TOKENIZER_ADDRESS   tokenizer-svc host:port (default 127.0.0.1:50052)
#   KAZGRPC_INFERENCE_ADDRESS   inference-svc host:port (optional; its checks are skipped if unset)
#   KAZGRPC_SMOKE_WAIT_SECONDS  how long to wait for health SERVING (default 60)
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

exec node --test --test-reporter="${KAZGRPC_SMOKE_REPORTER:-tap}" test/tokenizer.test.js test/inference.test.js
