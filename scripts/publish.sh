#!/usr/bin/env bash
# Publishes the Native AOT binary to artifacts/publish/keyman (plus the aws_okta_keyman name) and fails on any
# trim/AOT warning. The new files are renamed into place, so a keyman that is running (a test, the demo) keeps its own
# copy and a new one never meets a half-written file ("Text file busy").
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/publish
log=$(mktemp)
mkdir -p "$out"
staging=$(mktemp -d "$out.XXXXXX")
trap 'rm -rf "$staging" "$log"' EXIT
if ! dotnet publish src/Keyman/Keyman.csproj -c Release -o "$staging" -nologo >"$log" 2>&1; then
  cat "$log"; exit 1
fi
if grep -E "warning (IL|AOT|CS|NU)[0-9]+" "$log" >/dev/null; then
  echo "Native AOT publish produced warnings:" >&2
  grep -E "warning (IL|AOT|CS|NU)[0-9]+" "$log" | sort -u >&2
  exit 1
fi
rm -f "$staging"/*.dbg "$staging"/*.pdb
for file in "$staging"/*; do mv -f "$file" "$out/"; done
ln -sf keyman "$out/aws_okta_keyman"
echo "published $out/keyman ($(du -h "$out/keyman" | cut -f1), no trim/AOT warnings)"
