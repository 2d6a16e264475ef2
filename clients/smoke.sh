#!/usr/bin/env bash
# Smoke test of the generated clients against running services: checks that the committed code
# matches protos/ (generate.sh --check), then runs the Python (unittest), Node (node --test) and Go
# (go test) smoke tests. Prints one line per check and ends with "clients check: N passed, M failed";
# exits non-zero when a check fails.
#
#   KAZGRPC_TOKENIZER_ADDRESS   tokenizer-svc host:port (default 127.0.0.1:50052)
#   KAZGRPC_INFERENCE_ADDRESS   inference-svc host:port (default 127.0.0.1:50051)
#   KAZGRPC_SMOKE_WAIT_SECONDS  how long each test waits for health SERVING (default 60)
#
# Needs the Debian packages of tests/apt-packages.txt, Node >= 20 and npm; installs nothing but
# clients/node's npm packages (npm ci). Go builds offline in GOPATH mode against Debian's
# /usr/share/gocode, in a temporary GOPATH; its build cache is Go's usual one.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export KAZGRPC_TOKENIZER_ADDRESS=${KAZGRPC_TOKENIZER_ADDRESS:-127.0.0.1:50052}
export KAZGRPC_INFERENCE_ADDRESS=${KAZGRPC_INFERENCE_ADDRESS:-127.0.0.1:50051}
# No __pycache__ next to the generated modules: generate.sh --check would see it as stale.
export PYTHONDONTWRITEBYTECODE=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() { echo "clients check: ok $*"; passed=$((passed + 1)); }
fail() { echo "clients check: FAIL $*"; failed=$((failed + 1)); }
excerpt() { tail -n "${2:-60}" "$1" | sed 's/^/    /'; }

# report LANGUAGE LOG RC RESULTS: RESULTS has one "ok NAME" or "FAIL NAME" line per test that the
# runner reported. A runner that failed without reporting a failed test (it did not compile, could
# not reach a service) counts as one failed check.
report() {
  local language=$1 log=$2 rc=$3 results=$4 status name any_failed=0
  while read -r status name; do
    [[ -z $status ]] && continue
    if [[ $status == ok ]]; then pass "$language $name"; else fail "$language $name"; any_failed=1; fi
  done <"$results"
  if (( rc != 0 && any_failed == 0 )); then
    fail "$language: the test run exited $rc"
    any_failed=1
  fi
  (( any_failed )) && excerpt "$log"
}

run_timed() {
  local start=$SECONDS
  "$@"
  local rc=$?
  echo "clients check: ($1 took $((SECONDS - start)) s)"
  return $rc
}

generated() {
  if clients/generate.sh --check >"$work/generate.log" 2>&1; then
    pass "generated code matches protos/ (clients/generate.sh --check)"
  else
    fail "generated code matches protos/ (clients/generate.sh --check)"
    excerpt "$work/generate.log"
  fi
}

python() {
  local log=$work/python.log rc
  PYTHONPATH=clients/python /usr/bin/python3 -m unittest discover -s clients/python/tests -v >"$log" 2>&1
  rc=$?
  sed -nE 's/^(test\w*) \(.*\) \.\.\. (ok|FAIL|ERROR).*$/\2 \1/p' "$log" \
    | sed -E 's/^(FAIL|ERROR) /FAIL /' >"$work/python.results"
  report python "$log" $rc "$work/python.results"
}

# Once, first: generate.sh --check needs ts-proto from clients/node too.
npm_ci() {
  (cd clients/node && npm ci --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1
}

node() {
  local log=$work/node.log rc
  if (( npm_rc != 0 )); then
    fail "node: npm ci in clients/node"; excerpt "$work/npm.log"; return
  fi
  if ! (cd clients/node && ./node_modules/.bin/tsc -p .) >"$log" 2>&1; then
    fail "node: tsc compiles clients/node"; excerpt "$log"; return
  fi
  (cd clients/node && command node --test --test-reporter=tap dist/test/smoke.test.js) >"$log" 2>&1
  rc=$?
  sed -nE 's/^ok [0-9]+ - (.*)$/ok \1/p; s/^not ok [0-9]+ - (.*)$/FAIL \1/p' "$log" >"$work/node.results"
  report node "$log" $rc "$work/node.results"
}

go() {
  local log=$work/go.log rc gopath=$work/gopath
  mkdir -p "$gopath/src/github.com/kazgrpc/kazgrpc/clients"
  ln -s "$root/clients/go" "$gopath/src/github.com/kazgrpc/kazgrpc/clients/go"
  (
    cd "$gopath/src/github.com/kazgrpc/kazgrpc/clients/go" || exit 1
    export GO111MODULE=off GOPATH=$gopath:/usr/share/gocode GOFLAGS= GOPROXY=off
    [[ -n $(command go env GOCACHE 2>/dev/null) ]] || export GOCACHE=$work/go-cache
    command go test -count=1 -v ./...
  ) >"$log" 2>&1
  rc=$?
  sed -nE 's/^--- PASS: (\S+).*$/ok \1/p; s/^--- FAIL: (\S+).*$/FAIL \1/p' "$log" >"$work/go.results"
  report go "$log" $rc "$work/go.results"
}

echo "clients check: tokenizer-svc at $KAZGRPC_TOKENIZER_ADDRESS, inference-svc at $KAZGRPC_INFERENCE_ADDRESS"
run_timed npm_ci
npm_rc=$?
run_timed generated
run_timed python
run_timed node
run_timed go

echo "clients check: $passed passed, $failed failed"
(( failed == 0 ))
