#!/usr/bin/env bash
# Drives the HTTP fronts of both services with curl, the way a caller without gRPC does: JSON
# transcoding on tokenizer-svc's and inference-svc's HTTP API ports, and inference-svc's
# OpenAI-compatible API (a chat completion streamed with curl -N, an error's status and JSON).
# The services must be running (test.sh's Node section starts them):
#   KAZGRPC_TOKENIZER_HTTP       tokenizer-svc's HTTP API (default http://127.0.0.1:8081)
#   KAZGRPC_INFERENCE_HTTP       inference-svc's HTTP API (default http://127.0.0.1:8080)
#   KAZGRPC_HTTP_WAIT_SECONDS    how long to wait for kaz-tiny and minilm to be ready (default 60)
# Prints "ok - ..." or "not ok - ..." per check and ends with "http check: N passed, N failed";
# exits non-zero when a check fails. Needs curl and jq.
set -uo pipefail
TOKENIZER=${KAZGRPC_TOKENIZER_HTTP:-http://127.0.0.1:8081}
INFERENCE=${KAZGRPC_INFERENCE_HTTP:-http://127.0.0.1:8080}
WAIT=${KAZGRPC_HTTP_WAIT_SECONDS:-60}
passed=0
failed=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

check() {
  local name=$1; shift
  if "$@"; then echo "ok - $name"; passed=$((passed + 1)); else echo "not ok - $name"; failed=$((failed + 1)); fi
}
# post URL JSON NAME: POSTs JSON, keeps the body in $out/NAME and prints the HTTP status.
post() { curl -sS --max-time 60 -o "$out/$3" -w '%{http_code}' -H 'Content-Type: application/json' -d "$2" "$1"; }
# get URL NAME: GETs, keeps the body in $out/NAME and prints the HTTP status.
get() { curl -sS --max-time 30 -o "$out/$2" -w '%{http_code}' "$1"; }
# expect STATUS NAME JQ-FILTER: the status was STATUS and the JSON body kept as NAME passes the filter.
expect() {
  if [[ $1 != "$status" ]]; then echo "  expected HTTP $1, got $status: $(head -c 400 "$out/$2" 2>/dev/null)"; return 1; fi
  jq -e "$3" "$out/$2" >/dev/null || { echo "  $(head -c 400 "$out/$2")"; return 1; }
}

ready() {
  for ((i = 0; i < WAIT * 5; i++)); do
    curl -fsS --max-time 2 "$INFERENCE/api/v1/models" 2>/dev/null \
      | jq -e '[.models[] | select(.name == "kaz-tiny" or .name == "minilm") | .state] == ["MODEL_STATE_READY", "MODEL_STATE_READY"]' >/dev/null && return 0
    sleep 0.2
  done
  return 1
}
check "inference-svc's HTTP API lists kaz-tiny and minilm ready within $WAIT s ($INFERENCE/api/v1/models)" ready

status=$(post "$TOKENIZER/api/v1/tokenizers/o200k_base:tokenize" '{"texts":["Сәлем, әлем! 🙂"],"returnOffsets":true}' tokenize)
check "transcoded Tokenize on tokenizer-svc's HTTP port: ids with an offset each" \
  expect 200 tokenize '(.results | length) == 1 and (.results[0].ids | length) > 0 and (.results[0].ids | length) == (.results[0].offsets | length)'

status=$(post "$TOKENIZER/api/v1/tokenizers/nope:tokenize" '{"texts":["x"]}' tokenize-404)
check "transcoded error: an unknown tokenizer is 404 with JSON status code 5 naming what exists" \
  expect 404 tokenize-404 '.code == 5 and (.message | contains("tokenizer '\''nope'\'' was not found; available:")) and .details[0]["@type"] == "type.googleapis.com/google.rpc.ResourceInfo"'

status=$(get "$INFERENCE/api/v1/models" models)
check "transcoded ListModels on inference-svc's HTTP port lists minilm and kaz-tiny" \
  expect 200 models '[.models[].name] | contains(["kaz-tiny", "minilm"])'

status=$(post "$INFERENCE/api/v1/models/minilm:embed" '{"inputs":["Өтініш қабылданды.","Заявление принято."]}' embed)
check "transcoded Embed: two unit vectors of 384 floats" \
  expect 200 embed '(.embeddings | length) == 2 and all(.embeddings[]; (.values | length) == 384 and ((.values | map(. * .) | add) - 1 | fabs) < 0.001)'

status=$(get "$INFERENCE/v1/models" openai-models)
check "OpenAI GET /v1/models lists kaz-tiny as a model object" \
  expect 200 openai-models '.object == "list" and any(.data[]; .id == "kaz-tiny" and .object == "model")'

status=$(post "$INFERENCE/v1/embeddings" '{"model":"minilm","input":"Сәлем"}' openai-embed)
check "OpenAI POST /v1/embeddings: one embedding of 384 floats with usage" \
  expect 200 openai-embed '.data[0].object == "embedding" and (.data[0].embedding | length) == 384 and .usage.prompt_tokens > 0'

stream() {
  curl -sS -N --max-time 60 -D "$out/stream-headers" -o "$out/stream" -H 'Content-Type: application/json' \
    -d '{"model":"kaz-tiny","messages":[{"role":"user","content":"Сәлем!"}],"max_tokens":8,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true}}' \
    "$INFERENCE/v1/chat/completions" || return 1
  grep -qi '^content-type: text/event-stream' "$out/stream-headers" || { echo "  not an event stream: $(cat "$out/stream-headers")"; return 1; }
  # Every event is one "data: " line and a blank line; the last is [DONE].
  awk 'NR % 2 == 1 && !/^data: / { exit 1 } NR % 2 == 0 && $0 != "" { exit 1 }' "$out/stream" || { echo "  bad framing: $(head -c 400 "$out/stream")"; return 1; }
  [[ $(tail -n 2 "$out/stream" | head -n 1) == "data: [DONE]" ]] || { echo "  no data: [DONE] at the end"; return 1; }
  grep '^data: {' "$out/stream" | sed 's/^data: //' | jq -s -e '
    .[0].choices[0].delta.role == "assistant"
    and (map(select(.choices | length > 0) | .choices[0].finish_reason) | last) == "length"
    and .[-1].usage.completion_tokens == 8
    and all(.[]; .object == "chat.completion.chunk")' >/dev/null || { echo "  $(head -c 600 "$out/stream")"; return 1; }
}
check "OpenAI chat completion streamed with curl -N: role, content, finish_reason length, usage, data: [DONE]" stream

status=$(post "$INFERENCE/v1/chat/completions" '{"model":"kaz-tiny","messages":[{"role":"user","content":"x"}],"n":2}' openai-400)
check "OpenAI error: n 2 is 400 with OpenAI's error shape naming the parameter" \
  expect 400 openai-400 '.error.type == "invalid_request_error" and .error.param == "n" and .error.message == "`n` must be 1 (one choice per request); got 2"'

status=$(post "$INFERENCE/v1/chat/completions" '{"model":"nope","messages":[{"role":"user","content":"x"}]}' openai-404)
check "OpenAI error: an unknown model is 404 model_not_found" \
  expect 404 openai-404 '.error.code == "model_not_found" and (.error.message | startswith("model '\''nope'\'' was not found"))'

echo "http check: $passed passed, $failed failed"
((failed == 0))
