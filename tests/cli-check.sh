#!/usr/bin/env bash
# Drives the kazgrpc CLI in a terminal as a person would: a tmux session of its own, commands typed
# with send-keys, the screen read back with capture-pane. Needs running services at
# KAZGRPC_INFERENCE_ADDRESS and KAZGRPC_TOKENIZER_ADDRESS (host:port), the default models
# (minilm, kaz-tiny), a built tools/KazGrpc.Tools (Release), tmux and python3.
# Prints "cli check: ok WHAT" or "cli check: FAIL WHAT" (with the screen) per check and ends with
# "cli check: N passed, M failed"; exits non-zero when a check failed.
set -uo pipefail
cd "$(dirname "$0")/.."

: "${KAZGRPC_INFERENCE_ADDRESS:?set KAZGRPC_INFERENCE_ADDRESS to inference-svc's host:port}"
: "${KAZGRPC_TOKENIZER_ADDRESS:?set KAZGRPC_TOKENIZER_ADDRESS to tokenizer-svc's host:port}"
dll=$PWD/tools/KazGrpc.Tools/bin/Release/net10.0/kazgrpc.dll
[[ -f $dll ]] || { echo "cli check: FAIL $dll is not built"; echo "cli check: 0 passed, 1 failed"; exit 1; }
command -v tmux >/dev/null || { echo "cli check: FAIL tmux is not installed"; echo "cli check: 0 passed, 1 failed"; exit 1; }

passed=0
failed=0
work=$(mktemp -d)
# A tmux server of its own (-L), started with this environment, so that other sessions neither see
# nor disturb it; -u because the screen shows Kazakh text and Spectre's box-drawing characters.
socket=kazgrpc-cli-check-$$
tm() { tmux -u -L "$socket" "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$work"' EXIT

export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
tm new-session -d -s cli -x 200 -y 50 "bash --norc --noprofile"
# pipefail: a JSON check fails when kazgrpc does, not only when its reader does.
tm send-keys -t cli "PS1='$ '; set -o pipefail; kazgrpc() { dotnet '$dll' \"\$@\"; }; cd '$work'" Enter

screen=
status=
# start COMMAND: clears the screen and types COMMAND and Enter; after it, the line prints a marker
# with its exit status, which finish waits for.
start() {
  tm send-keys -t cli "clear; tmux -L $socket clear-history -t cli" Enter
  sleep 0.3
  tm send-keys -t cli -l "$1; echo \"--- exit \$?\""
  tm send-keys -t cli Enter
}
# look: sets $screen to what the terminal shows (wrapped lines joined).
look() { screen=$(tm capture-pane -p -J -t cli -S -); }
# finish [SECONDS]: waits until the command has finished (at most SECONDS, default 60); sets $screen
# and $status, its exit status.
finish() {
  local i
  status=timeout
  for ((i = 0; i < ${1:-60} * 10; i++)); do
    look
    if [[ $screen =~ $'\n'"--- exit "([0-9]+) ]]; then
      status=${BASH_REMATCH[1]}
      return 0
    fi
    sleep 0.1
  done
}
# typed COMMAND [SECONDS]: start, then finish.
typed() { start "$1"; finish "${2:-60}"; }
# output_shown: true once the screen shows a line that is neither the prompt nor blank.
output_shown() { look; grep -qvE '^(\$( .*)?|)$' <<<"$screen"; }

# check WHAT CONDITION...: records a check; on failure shows the screen it judged.
check() {
  local what=$1; shift
  if "$@"; then
    echo "cli check: ok $what"
    passed=$((passed + 1))
  else
    echo "cli check: FAIL $what (exit status $status)"
    echo "--- screen ---"
    printf '%s\n' "$screen"
    echo "--------------"
    failed=$((failed + 1))
  fi
}
shows() { grep -qE -- "$1" <<<"$screen"; }
shows_line() { grep -qxF -- "$1" <<<"$screen"; }
exited() { [[ $status == "$1" ]]; }
all() { local c; for c in "$@"; do eval "$c" || return 1; done; }

kazakh='Қазақстан Республикасы — демократиялық, зайырлы, құқықтық және әлеуметтік мемлекет.'

typed "kazgrpc tokenize '$kazakh'"
ids=$(grep -A1 -E '^[0-9]+ tokens \(o200k_base\)$' <<<"$screen" | tail -1)
check "tokenize Kazakh text: its token count and ids" all 'exited 0' 'shows "^[0-9]+ tokens \(o200k_base\)$"' '[[ $ids =~ ^[0-9]+( [0-9]+)+$ ]]'

typed "kazgrpc count 'Сәлем, әлем!' 'Өтініш қабылданды.'"
check "count two texts: each count and the total" all 'exited 0' 'shows "^ *[0-9]+  Сәлем, әлем!$"' 'shows "^ *[0-9]+  tokens in all \(o200k_base\)$"'

typed "kazgrpc detokenize $ids"
check "detokenize the ids tokenize printed: the Kazakh text again" all 'exited 0' 'shows_line "$kazakh"'

typed "kazgrpc embed 'Өтініш қабылданды.' 'Заявление принято.'"
check "embed two texts: 384 dimensions and a preview of each" \
  all 'exited 0' 'shows "^minilm: 2 vectors of 384 dimensions, [0-9]+ tokens$"' 'shows "^\[1\] \[[-+]0\.[0-9]{4}, .*, \.\.\.\]  Заявление принято\.$"'

# The stream, watched while it comes: text on the screen before the summary line.
start "kazgrpc generate 'Қазақстан Республикасы' --max-new-tokens 160 --ignore-eos"
streamed=no
for ((i = 0; i < 600; i++)); do
  if output_shown; then
    grep -qE '^(finish: |kazgrpc )' <<<"$screen" || streamed=yes
    break
  fi
  sleep 0.05
done
finish
check "generate: text on the screen as it streams, before the summary" all 'exited 0' '[ $streamed = yes ]'
check "generate: the summary with finish reason, usage and timings" \
  all 'exited 0' 'shows "^finish: LENGTH; tokens: [0-9]+ prompt \+ 160 completion; queue [0-9.]+ ms, first token [0-9.]+ ms, total [0-9.]+ ms$"'

typed "kazgrpc generate --chat 'Сәлем! Қалайсыз?' --system 'Сен көмекшісің.' --max-new-tokens 8"
check "generate --chat with --system: the summary" all 'exited 0' 'shows "^finish: LENGTH; tokens: [0-9]+ prompt \+ 8 completion; "'

# Ctrl+C while the text streams: the call is cancelled and the command says so.
start "kazgrpc generate 'Сәлем' --max-new-tokens 1500 --ignore-eos"
for ((i = 0; i < 600; i++)); do output_shown && break; sleep 0.05; done
tm send-keys -t cli C-c
finish
check "Ctrl+C during generate: cancelled, exit 130" all 'exited 130' 'shows "^kazgrpc generate: cancelled$"'

typed "kazgrpc models"
check "models: a table of name, kind, tokenizer, state, context" \
  all 'exited 0' 'shows "name.+kind.+tokenizer.+state.+context"' \
  'shows "kaz-tiny[^a-z]+generation[^a-z]+o200k_base[^a-z]+ready[^0-9]+2,048"' 'shows "minilm[^a-z]+embedding[^a-z]+minilm[^a-z]+ready[^0-9]+512"'

typed "kazgrpc health $KAZGRPC_INFERENCE_ADDRESS"
check "health of inference-svc: SERVING, exit 0" all 'exited 0' 'shows_line "$KAZGRPC_INFERENCE_ADDRESS: SERVING"'

typed "kazgrpc health --address $KAZGRPC_TOKENIZER_ADDRESS --service kazgrpc.tokenizer.v1.TokenizerService --wait 5"
check "health --address of tokenizer-svc's service: SERVING, exit 0" all 'exited 0' 'shows "SERVING$"'

dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
typed "kazgrpc health 127.0.0.1:$dead"
check "health of a dead port: not SERVING, exit 3" all 'exited 3' 'shows "^127\.0\.0\.1:$dead: not SERVING \(UNAVAILABLE: "'

# The key travels in the environment (an open service ignores it); TLS files with a cleartext address are refused before any call.
typed "KAZGRPC_API_KEY=kzg_unused-by-an-open-service kazgrpc count 'Сәлем'"
check "count with KAZGRPC_API_KEY set: served, exit 0" all 'exited 0' 'shows "^[0-9]+ tokens \(o200k_base\)$"'

typed "kazgrpc count 'Сәлем' --ca ca.crt"
check "count --ca with a cleartext address: usage error naming both, exit 2" \
  all 'exited 2' "shows \"^kazgrpc count: --ca 'ca.crt' is set, but KAZGRPC_TOKENIZER_ADDRESS '.+' is cleartext\""

typed "kazgrpc generate 'Сәлем' --model no-such-model"
check "generate with an unknown model: NOT_FOUND and the message, exit 1" \
  all 'exited 1' "shows \"^kazgrpc generate: NOT_FOUND: .*'no-such-model'.*kaz-tiny\""

typed "kazgrpc generate 'Сәлем' --top-p 1.5"
check "generate --top-p 1.5: INVALID_ARGUMENT naming the field, exit 1" \
  all 'exited 1' 'shows "^kazgrpc generate: INVALID_ARGUMENT: .*top_p.*1\.5"' 'shows "^  field: parameters\.top_p$"'

typed "kazgrpc generate --max-new-tokens 4"
check "generate without a prompt: usage error, exit 2" all 'exited 2' "shows \"Required argument 'PROMPT' missing\""

# --json, read by a program: the pipe's reader prints what it found.
json_reader="python3 -c 'import json,sys; d=json.load(sys.stdin); print(\"json:\", *[len(r[\"ids\"]) for r in d[\"results\"]])'"
typed "kazgrpc tokenize 'Сәлем, әлем!' '$kazakh' --json | $json_reader"
check "tokenize --json: parsed, one result per text" all 'exited 0' 'shows "^json: [0-9]+ [0-9]+$"'

json_reader="python3 -c 'import json,sys; d=json.load(sys.stdin); print(\"json:\", sorted((m[\"name\"], m[\"state\"]) for m in d[\"models\"] if m[\"name\"] in (\"kaz-tiny\", \"minilm\")))'"
# Only the two defaults: a model directory may hold others (the bench forges kaz-bench there).
typed "kazgrpc models --json | $json_reader"
check "models --json: parsed, both models ready" \
  all 'exited 0' "shows_line \"json: [('kaz-tiny', 'MODEL_STATE_READY'), ('minilm', 'MODEL_STATE_READY')]\""

json_reader="python3 -c 'import json,sys; m=[json.loads(l) for l in sys.stdin]; t=\"\".join(x[\"chunk\"][\"text\"] for x in m if \"chunk\" in x); print(\"json:\", len(m), m[-1][\"final\"][\"finishReason\"], m[-1][\"final\"][\"usage\"][\"completionTokens\"], len(t) > 0)'"
typed "kazgrpc generate 'Сәлем' --max-new-tokens 6 --json | $json_reader"
check "generate --json: one message per line, the final one last" all 'exited 0' 'shows "^json: [0-9]+ FINISH_REASON_LENGTH 6 True$"'

echo "cli check: $passed passed, $failed failed"
((failed == 0))
