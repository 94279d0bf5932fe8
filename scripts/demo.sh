#!/usr/bin/env bash
# The how-to's whole journey against the bundled sandbox, with no Okta account: builds Keyman, starts the sandbox
# (Okta + STS on 127.0.0.1), logs in as the how-to's user (password, then the AWS app's own MFA step-up with a
# Google Authenticator code), writes the "default" profile, and lets the AWS CLI use it, directly and through the
# how-to's role_arn + source_profile chain. Everything happens in a throw-away home folder. All of it goes over HTTPS
# with the sandbox's own CA, trusted the way a corporate CA is: SSL_CERT_FILE for Keyman, AWS_CA_BUNDLE for the AWS CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash scripts/publish.sh >/dev/null
bin="$root/artifacts/publish/keyman"

source scripts/lib/sandbox.sh
start_sandbox

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
step "AWS_PROFILE=bedrock aws sts get-caller-identity  # the how-to's role_arn + source_profile chain"
AWS_PROFILE=bedrock aws sts get-caller-identity
export AWS_PROFILE=bedrock                # step 3 of the how-to
step "export AWS_PROFILE=bedrock"
step "aws bedrock list-foundation-models | jq -r '.modelSummaries[].modelId' | grep claude   # step 4"
aws bedrock list-foundation-models | jq -r '.modelSummaries[].modelId' | grep claude
step "aws bedrock-runtime invoke-model --model-id us.anthropic.claude-3-5-sonnet-20241022-v2:0 --body '{…}' output.json && jq -r '.content[0].text' output.json   # step 5 (AWS CLI v1 spelling)"
aws bedrock-runtime invoke-model --model-id us.anthropic.claude-3-5-sonnet-20241022-v2:0 \
  --body '{"anthropic_version": "bedrock-2023-05-31", "max_tokens": 200, "messages": [{"role": "user", "content": "What is the capital of Georgia?"}]}' \
  "$work/output.json" && jq -r '.content[0].text' "$work/output.json"

step "keyman bedrock models        # the same, without jq"
"$bin" bedrock models
step "keyman bedrock ask \"What is the capital of Georgia?\""
"$bin" bedrock ask "What is the capital of Georgia?"
step "keyman bedrock ask --stream \"What is the capital of Georgia?\""
"$bin" bedrock ask --stream "What is the capital of Georgia?"
step "keyman doctor                # every link of the chain, checked"
"$bin" doctor
printf '\nDone: Okta login with app-level MFA, SAML, STS, the credentials file, the AWS CLI, and Claude on Bedrock.\n'
