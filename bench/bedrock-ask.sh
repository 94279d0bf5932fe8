#!/usr/bin/env bash
# Whole-process time of one question to Claude on Bedrock, Keyman against the AWS CLI, on the same sandbox and the
# same profile chain (AWS_PROFILE=bedrock: role_arn + source_profile = default, as the how-to sets up).
#   bash bench/bedrock-ask.sh        # needs hyperfine (apt-get install hyperfine)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine first: apt-get install hyperfine" >&2; exit 1; }
[ -x artifacts/publish/keyman ] || bash scripts/publish.sh
bin="$PWD/artifacts/publish/keyman"

source scripts/lib/sandbox.sh
start_sandbox

source bench/bedrock-profile.sh

model=us.anthropic.claude-3-5-sonnet-20241022-v2:0
body='{"anthropic_version":"bedrock-2023-05-31","max_tokens":200,"messages":[{"role":"user","content":"What is the capital of Georgia?"}]}'
hyperfine -N --warmup 3 --runs 20 --export-json "$work/ask.json" --export-markdown "$work/ask.md" \
  "$bin bedrock ask --model-id $model 'What is the capital of Georgia?'" \
  "aws bedrock-runtime invoke-model --model-id $model --body '$body' $work/output.json"
cat "$work/ask.md"
echo
echo "medians:"
jq -r '.results[] | "  \(.command | .[0:80]): \(.median * 1000 | . * 10 | round / 10) ms"' "$work/ask.json"
jq -r '.results as $r | "  ratio aws-cli / keyman ask: \(($r[1].median / $r[0].median) * 10 | round / 10)x"' "$work/ask.json"
