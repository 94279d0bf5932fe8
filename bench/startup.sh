#!/usr/bin/env bash
# Start-up and whole-login time of the published Native AOT binary, measured with hyperfine.
#   bash bench/startup.sh            # needs hyperfine (apt-get install hyperfine)
# 1. `keyman --version`: the cost of starting the binary at all.
# 2. a full login against the sandbox: password, Okta session, app page, SAML, STS, credentials file written.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine first: apt-get install hyperfine" >&2; exit 1; }
[ -x artifacts/publish/keyman ] || bash scripts/publish.sh
bin="$PWD/artifacts/publish/keyman"

source scripts/lib/sandbox.sh
start_sandbox

mkdir -p "$work/home/.config"
cat >"$work/home/.config/aws_okta_keyman.yml" <<YAML
org: $url
username: nomfa@example.com
appid: 0oa1dev2AbCdEfGh/272
YAML
export HOME="$work/home" AWS_ENDPOINT_URL_STS="$url" NO_COLOR=1
printf 'correct-horse-battery\n' >"$work/answers"

# hyperfine 1.15 (Debian 12) has no --input: the password comes through a shell redirect; the shell's own cost is
# measured alongside so it can be subtracted.
# aws_okta_keyman cannot be installed here (no PyPI), so its floor stands in: it imports boto3 before anything else.
hyperfine -N --warmup 3 --runs 50 --export-json "$work/version.json" --export-markdown "$work/version.md" "$bin --version" \
  "python3 -c 'import boto3'"
hyperfine --warmup 2 --runs 20 --export-json "$work/login.json" --export-markdown "$work/login.md" \
  "sh -c 'true < $work/answers'" \
  "sh -c '$bin < $work/answers'"
cat "$work/version.md" "$work/login.md"
echo
echo "medians:"
jq -r '.results[] | "  \(.command | .[0:70]): \(.median * 1000 | . * 10 | round / 10) ms"' "$work/version.json" "$work/login.json"
