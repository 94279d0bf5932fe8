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

export HOME="$work/home" AWS_ENDPOINT_URL="$url" NO_COLOR=1
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE
mkdir -p "$HOME/.config" "$HOME/.aws"
printf 'org: %s\nusername: nomfa@example.com\nappid: 0oa1dev2AbCdEfGh/272\n' "$url" >"$HOME/.config/aws_okta_keyman.yml"
printf '[default]\nregion = us-east-1\n\n[profile bedrock]\nrole_arn = arn:aws:iam::111111111111:role/my-bedrock-role\nsource_profile = default\nregion = us-east-1\n' >"$HOME/.aws/config"
printf 'correct-horse-battery\n' | "$bin" 2>/dev/null
export AWS_PROFILE=bedrock

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
