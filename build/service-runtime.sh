# Sourced by run.sh and test.sh: service_runtime_env reads build/service-runtime.env into the array
# SERVICE_ENV (NAME=value words for `env`), under the rule kazgrpc-bench reads it with: blank lines and
# lines starting with # are skipped, and any other line that is not NAME=value fails, naming it.
service_runtime_env() {
  local file=build/service-runtime.env bad
  if bad=$(grep -nvE '^([A-Za-z_][A-Za-z0-9_]*=|#|[[:space:]]*$)' "$file"); then
    echo "$file: expected NAME=value (NAME of letters, digits and _), got: $bad" >&2
    return 1
  fi
  mapfile -t SERVICE_ENV < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$file")
}
