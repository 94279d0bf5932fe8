#!/usr/bin/env bash
# Runs every test: unit tests, then end-to-end tests that drive the published Native AOT binary against the sandbox,
# the AWS CLI and moto. Prints a closing line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/publish.sh
export KEYMAN_BIN="$PWD/artifacts/publish/keyman"

results=artifacts/test-results
rm -rf "$results"
status=0
dotnet test Keyman.slnx -c Release -nologo --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${n:-0}))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
