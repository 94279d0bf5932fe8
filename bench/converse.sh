#!/usr/bin/env bash
# Whole-process time of one question through Bedrock's Converse API: `keyman bedrock ask` against
# `aws bedrock-runtime converse`, on the same sandbox and the same profile chain (AWS_PROFILE=bedrock: role_arn +
# source_profile = default, as the how-to sets up). After the first run both reuse the role session kept in ~/.aws/cli/cache (the AWS CLI's cache, which Keyman shares), so no STS call is timed.
#   bash bench/converse.sh           # needs hyperfine and jq (apt-get install hyperfine jq)
#   RUNS=30 bash bench/converse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine jq aws; do
  command -v "$tool" >/dev/null || { echo "install $tool first" >&2; exit 1; }
done
[ -x artifacts/publish/keyman ] || bash scripts/publish.sh
bin="$PWD/artifacts/publish/keyman"
runs=${RUNS:-20}

source scripts/lib/sandbox.sh
start_sandbox

source bench/bedrock-profile.sh

model=us.anthropic.claude-3-5-sonnet-20241022-v2:0
messages='[{"role":"user","content":[{"text":"What is the capital of Georgia?"}]}]'
# Both must give the same answer before they are timed.
[ "$("$bin" bedrock ask --model-id "$model" 'What is the capital of Georgia?')" = \
  "$(aws bedrock-runtime converse --model-id "$model" --messages "$messages" | jq -r '.output.message.content[0].text')" ] \
  || { echo "keyman and the AWS CLI disagree" >&2; exit 1; }

hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/converse.json" --export-markdown "$work/converse.md" \
  "$bin bedrock ask --model-id $model 'What is the capital of Georgia?'" \
  "aws bedrock-runtime converse --model-id $model --messages '$messages'"
cat "$work/converse.md"
echo
echo "medians:"
jq -r '.results[] | "  \(.command | .[0:80]): \(.median * 1000 | . * 10 | round / 10) ms"' "$work/converse.json"
jq -r '.results as $r | "  ratio aws-cli converse / keyman ask: \(($r[1].median / $r[0].median) * 10 | round / 10)x"' "$work/converse.json"
