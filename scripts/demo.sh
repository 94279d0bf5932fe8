#!/usr/bin/env bash
# The how-to's whole journey against the bundled sandbox, with no Okta account: builds Keyman, starts the sandbox
# (Okta + STS on 127.0.0.1), logs in as the how-to's user (password, then the AWS app's own MFA step-up with a
# Google Authenticator code), writes the "default" profile, and lets the AWS CLI use it, directly and through the
# how-to's role_arn + source_profile chain. Everything happens in a throw-away home folder. All of it goes over HTTPS
# with the sandbox's own CA, trusted the way a corporate CA is: SSL_CERT_FILE for Keyman, AWS_CA_BUNDLE for the AWS CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# Prerequisites first, each with the way to get it, rather than a failure a minute into the build.
missing=0
need() { command -v "$1" >/dev/null || { echo "demo: '$1' is needed: $2" >&2; missing=1; }; }
need dotnet "install the .NET 10 SDK (https://dot.net)"
need curl "apt-get install curl (or your package manager's)"
need jq "apt-get install jq"
need aws "install the AWS CLI (v1 or v2): https://aws.amazon.com/cli/"
[ "$missing" -eq 0 ] || exit 2

echo "demo: building Keyman (Native AOT; about a minute the first time)..."
bash scripts/publish.sh >/dev/null
bin="$root/artifacts/publish/keyman"

echo "demo: starting the sandbox (Okta, STS and Bedrock on 127.0.0.1, with its own test CA)..."
source scripts/lib/sandbox.sh
start_sandbox
echo "demo: the sandbox is at $url; the journey runs in the throw-away home folder $work/home"
# --endpoint-url on every AWS CLI call as well: an AWS CLI older than v2.13 / v1.29 (e.g. Debian's 2.9) ignores
# AWS_ENDPOINT_URL. Such a CLI still cannot send the AssumeRole of the how-to's role chain to the sandbox (the chain's
# own STS call takes no --endpoint-url), so its chained steps are skipped; Keyman's steps below show the chain.
aws() { command aws --endpoint-url "$url" "$@"; }
aws_version=$(command aws --version 2>&1 | sed -n 's:^aws-cli/\([0-9]*\)\.\([0-9]*\)\..*:\1 \2:p')
read -r aws_major aws_minor <<<"${aws_version:-0 0}"
if (( aws_major > 2 || (aws_major == 2 && aws_minor >= 13) || (aws_major == 1 && aws_minor >= 29) )); then
  aws_chain=1
else
  aws_chain=0
  echo "demo: this AWS CLI ($(command aws --version 2>&1 | cut -d' ' -f1)) predates AWS_ENDPOINT_URL: its role-chain steps are skipped"
fi

export HOME="$work/home"
export AWS_ENDPOINT_URL="$url"          # STS (and later Bedrock) of the sandbox, for Keyman and the AWS CLI alike
# start_sandbox exported SSL_CERT_FILE (Keyman) and AWS_CA_BUNDLE (the AWS CLI) = the sandbox's CA.
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE
mkdir -p "$HOME/.config" "$HOME/.aws"

# Step 2 of the how-to: the Keyman config, with the placeholders replaced by the sandbox's values.
cat >"$HOME/.config/aws_okta_keyman.yml" <<YAML
console: null
duo_factor: null
org: $url
region: us-east-1
reup: null
role: my-developer-gateway-role
screen: null
username: gina@example.com
appid: 0oa5stepUpBdrck/272
YAML
# Step 0 of the how-to: the AWS config with the Bedrock profile chained on "default".
cat >"$HOME/.aws/config" <<INI
[default]
region = us-east-1
output = json

[profile bedrock]
role_arn = arn:aws:iam::111111111111:role/my-bedrock-role
source_profile = default
region = us-east-1
INI

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
totp() { curl -fsS --cacert "$sandbox_ca" "$url/_sandbox/totp?user=gina@example.com&factor=GOOGLE" | sed -n 's/.*"code":"\([0-9]*\)".*/\1/p'; }

step "cat ~/.config/aws_okta_keyman.yml"
cat "$HOME/.config/aws_okta_keyman.yml"
step "keyman      # password: correct-horse-battery, then the Google Authenticator code"
printf 'correct-horse-battery\n%s\n' "$(totp)" | "$bin"

step "grep -c . ~/.aws/credentials; stat -c %a ~/.aws/credentials"
grep -c . "$HOME/.aws/credentials"; stat -c %a "$HOME/.aws/credentials"
step "aws sts get-caller-identity                      # the profile Keyman wrote"
aws sts get-caller-identity
if [ "$aws_chain" -eq 1 ]; then
step "AWS_PROFILE=bedrock aws sts get-caller-identity  # the how-to's role_arn + source_profile chain"
AWS_PROFILE=bedrock aws sts get-caller-identity
fi
export AWS_PROFILE=bedrock                # step 3 of the how-to
step "export AWS_PROFILE=bedrock"
if [ "$aws_chain" -eq 1 ]; then
step "aws bedrock list-foundation-models | jq -r '.modelSummaries[].modelId' | grep claude   # step 4"
aws bedrock list-foundation-models | jq -r '.modelSummaries[].modelId' | grep claude
step "aws bedrock-runtime invoke-model --model-id us.anthropic.claude-3-5-sonnet-20241022-v2:0 --body '{…}' output.json && jq -r '.content[0].text' output.json   # step 5 (AWS CLI v1 spelling)"
aws bedrock-runtime invoke-model --model-id us.anthropic.claude-3-5-sonnet-20241022-v2:0 \
  --body '{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 200, "messages": [{"role": "user", "content": "What is the capital of Georgia?"}]}' \
  "$work/output.json" && jq -r '.content[0].text' "$work/output.json"
fi

step "keyman bedrock models        # the same, without jq"
"$bin" bedrock models
step "keyman bedrock ask \"What is the capital of Georgia?\""
"$bin" bedrock ask "What is the capital of Georgia?"
step "keyman bedrock ask --stream \"What is the capital of Georgia?\""
"$bin" bedrock ask --stream "What is the capital of Georgia?"
step "keyman doctor                # every link of the chain, checked"
"$bin" doctor
printf '\nDone: Okta login with app-level MFA, SAML, STS, the credentials file, the AWS CLI, and Claude on Bedrock.\n'
