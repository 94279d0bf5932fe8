#!/usr/bin/env bash
# Whole-process time of a credential_process cache hit: `keyman credential-process --profile NAME` (published Native
# AOT binary, credentials cached in a real gnome-keyring on a private D-Bus session bus), next to the AWS CLI v2's
# `aws configure export-credentials --profile NAME` on the same profile (which runs that same credential_process).
#   bash bench/credential-process.sh [BINARY…]   # needs hyperfine, jq, dbus-daemon, gnome-keyring; installs Debian's awscli (v2)
# Several binaries (e.g. a build from before a change) are measured side by side on the same cache; the first fills it.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine first: apt-get install hyperfine" >&2; exit 1; }
# The v1 CLI that may come first on PATH has no 'configure export-credentials'; Debian's awscli package is v2.
if [ ! -x /usr/bin/aws ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
fi
missing=()
command -v dbus-daemon >/dev/null || missing+=(dbus-daemon)
command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
bins=("$@")
if [ "${#bins[@]}" -eq 0 ]; then
  [ -x artifacts/publish/keyman ] || bash scripts/publish.sh
  bins=("$PWD/artifacts/publish/keyman")
fi
bin=${bins[0]}

source scripts/lib/sandbox.sh
start_sandbox

# A private session bus and keyring, so the benchmark never touches the user's own keychain.
export HOME="$work/home" XDG_RUNTIME_DIR="$work/run" XDG_DATA_HOME="$work/home/.local/share" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
mkdir -p "$HOME/.config" "$HOME/.aws" && mkdir -m 700 -p "$XDG_RUNTIME_DIR"
dbus-daemon --session --nofork --print-address=1 >"$work/bus" 2>/dev/null &
track $!
for _ in $(seq 100); do [ -s "$work/bus" ] && break; sleep 0.05; done
export DBUS_SESSION_BUS_ADDRESS=$(head -1 "$work/bus")
printf 'bench-login' | gnome-keyring-daemon --unlock --components=secrets --foreground >/dev/null 2>&1 &
track $!
sleep 1

export AWS_ENDPOINT_URL="$url" NO_COLOR=1 AWS_CONFIG_FILE="$HOME/.aws/config"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SHARED_CREDENTIALS_FILE AWS_PROFILE KEYMAN_SECRET_STORE
printf 'org: %s\nusername: nomfa@example.com\nappid: 0oa1dev2AbCdEfGh/272\n' "$url" >"$HOME/.config/aws_okta_keyman.yml"
"$bin" setup-profile bench 2>/dev/null
# Fill the cache: one login (the password from stdin), then every call below is a cache hit.
printf 'correct-horse-battery\n' | "$bin" 2>/dev/null
"$bin" credential-process --profile bench >/dev/null 2>"$work/first.log" || { cat "$work/first.log"; exit 1; }
/usr/bin/aws configure export-credentials --profile bench --format process >/dev/null
/usr/bin/aws --version

commands=()
for b in "${bins[@]}"; do commands+=("$b credential-process --profile bench"); done
hyperfine -N --warmup 5 --runs 50 --export-json "$work/cp.json" --export-markdown "$work/cp.md" \
  "${commands[@]}" "/usr/bin/aws configure export-credentials --profile bench --format process"
cat "$work/cp.md"
echo
echo "medians:"
jq -r '.results[] | "  \(.command | .[0:80]): \(.median * 1000 | . * 10 | round / 10) ms (mean \(.mean * 1000 | . * 10 | round / 10) ms)"' "$work/cp.json"
jq -r '.results as $r | "  ratio aws-cli / keyman: \(($r[-1].median / $r[0].median) * 10 | round / 10)x"' "$work/cp.json"
