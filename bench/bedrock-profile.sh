# Sourced by bench/bedrock-ask.sh and bench/converse.sh after start_sandbox: a HOME where Keyman has logged in as
# nomfa@example.com ("default") and ~/.aws/config holds the how-to's [profile bedrock] chain on it; AWS_PROFILE=bedrock.
export HOME="$work/home" AWS_ENDPOINT_URL="$url" NO_COLOR=1 AWS_PAGER=""
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_BEARER_TOKEN_BEDROCK
mkdir -p "$HOME/.config" "$HOME/.aws"
printf 'org: %s\nusername: nomfa@example.com\nappid: 0oa1dev2AbCdEfGh/272\n' "$url" >"$HOME/.config/aws_okta_keyman.yml"
printf '[default]\nregion = us-east-1\n\n[profile bedrock]\nrole_arn = arn:aws:iam::111111111111:role/my-bedrock-role\nsource_profile = default\nregion = us-east-1\n' >"$HOME/.aws/config"
printf 'correct-horse-battery\n' | "$bin" 2>/dev/null
export AWS_PROFILE=bedrock
