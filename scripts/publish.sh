#!/usr/bin/env bash
# Publishes the Native AOT binary to artifacts/publish/keyman (plus the aws_okta_keyman name) and fails on any
# trim/AOT warning.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/publish
log=$(mktemp)
if ! dotnet publish src/Keyman/Keyman.csproj -c Release -o "$out" -nologo >"$log" 2>&1; then
  cat "$log"; exit 1
fi
if grep -E "warning (IL|AOT|CS|NU)[0-9]+" "$log" >/dev/null; then
  echo "Native AOT publish produced warnings:" >&2
  grep -E "warning (IL|AOT|CS|NU)[0-9]+" "$log" | sort -u >&2
  exit 1
fi
rm -f "$log" "$out"/*.dbg "$out"/*.pdb
ln -sf keyman "$out/aws_okta_keyman"
echo "published $out/keyman ($(du -h "$out/keyman" | cut -f1), no trim/AOT warnings)"
