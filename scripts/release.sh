#!/usr/bin/env bash
# Builds the release: a self-contained Native AOT archive per platform, their SHA-256 checksums, and a `dotnet tool`
# package for users who have the .NET SDK. Output: artifacts/release/
#   keyman-VERSION-RID.tar.gz (linux, osx) / .zip (win): keyman (+ the aws_okta_keyman name), README.md
#   SHA256SUMS                 checksums of every archive and package (check with: sha256sum -c SHA256SUMS)
#   keyman.VERSION.nupkg       dotnet tool install -g keyman --add-source artifacts/release
# Native AOT compiles for the OS it runs on: Linux builds linux-x64 and, with a cross toolchain (clang, lld and an arm64
# sysroot, e.g. Debian's gcc-aarch64-linux-gnu + libc6-dev-arm64-cross), linux-arm64; macOS builds osx-arm64 and osx-x64;
# Windows builds win-x64. A platform this host cannot build is listed as skipped, with where to build it.
# Usage: bash scripts/release.sh [--list] [RID...]   (default: all five; RIDS=host builds only this machine's)
#   --list  builds nothing: prints "build RID" for each platform this host would build and "skipped RID: why" (the
#           same line a real run ends with) for each it cannot, then exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/artifacts/release
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) host=linux-x64 ;; Linux-aarch64) host=linux-arm64 ;;
  Darwin-arm64) host=osx-arm64 ;; Darwin-x86_64) host=osx-x64 ;;
  MINGW* | MSYS* | CYGWIN*) host=win-x64 ;; *) host=unknown ;;
esac
list=false
if [ "${1:-}" = --list ]; then list=true; shift; fi
if [ "$#" -gt 0 ]; then rids=("$@"); elif [ "${RIDS:-}" = host ]; then rids=("$host"); else rids=(linux-x64 linux-arm64 osx-arm64 osx-x64 win-x64); fi

# Why this host cannot build $1 (nothing when it can).
skip_reason() {
  case "$1" in
    "$host") ;;
    linux-arm64)
      if [ "$host" != linux-x64 ]; then echo "Native AOT builds it on Linux (arm64, or x64 with a cross toolchain); this host is $host"
      elif ! command -v clang >/dev/null || ! command -v aarch64-linux-gnu-gcc >/dev/null; then
        echo "this linux-x64 host has no arm64 cross toolchain (install clang, lld, gcc-aarch64-linux-gnu and libc6-dev-arm64-cross)"
      fi ;;
    osx-x64 | osx-arm64) [ "$host" = osx-arm64 ] || [ "$host" = osx-x64 ] || echo "Native AOT builds it on macOS; this host is $host" ;;
    win-x64) echo "Native AOT builds it on Windows; this host is $host" ;;
    *) echo "Keyman does not release for it (one of: linux-x64 linux-arm64 osx-arm64 osx-x64 win-x64)" ;;
  esac
}

if $list; then
  for rid in "${rids[@]}"; do
    reason=$(skip_reason "$rid")
    if [ -n "$reason" ]; then echo "skipped $rid: $reason"; else echo "build $rid"; fi
  done
  exit 0
fi

# Build from a clean copy of the sources, so that the release never picks up (or disturbs) the working tree's obj/ folders.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$root" --exclude=bin --exclude=obj -cf - Directory.Build.props Directory.Packages.props global.json README.md src/Keyman src/Keyman.Core | tar -C "$work" -xf -
rm -rf "$out" && mkdir -p "$out"

built=() skipped=()
for rid in "${rids[@]}"; do
  reason=$(skip_reason "$rid")
  if [ -n "$reason" ]; then
    skipped+=("$rid: $reason")
    continue
  fi
  echo "release: building $rid (Native AOT)..."
  stage=$work/stage/$rid/keyman-$version-$rid
  mkdir -p "$stage"
  log=$work/publish-$rid.log
  if ! dotnet publish "$work/src/Keyman/Keyman.csproj" -c Release -r "$rid" -o "$work/out/$rid" -nologo >"$log" 2>&1; then
    cat "$log" >&2; exit 1
  fi
  if grep -E "warning (IL|AOT)[0-9]+" "$log" >/dev/null; then
    echo "release: $rid: Native AOT publish produced warnings" >&2; grep -E "warning (IL|AOT)[0-9]+" "$log" | sort -u >&2; exit 1
  fi
  cp "$root/README.md" "$stage/"
  if [[ $rid == win-* ]]; then
    cp "$work/out/$rid/keyman.exe" "$stage/"
    (cd "$work/stage/$rid" && zip -qr "$out/keyman-$version-$rid.zip" "keyman-$version-$rid")
  else
    cp "$work/out/$rid/keyman" "$stage/" && ln -s keyman "$stage/aws_okta_keyman"
    tar -C "$work/stage/$rid" -czf "$out/keyman-$version-$rid.tar.gz" "keyman-$version-$rid"
  fi
  built+=("$rid")
done

echo "release: packing the dotnet tool..."
# Tool settings go into the private copy's project file: as -p: switches they would reach Keyman.Core too.
sed -i 's:</Project>:  <PropertyGroup>\n    <PackAsTool>true</PackAsTool>\n    <PublishAot>false</PublishAot>\n    <ToolCommandName>keyman</ToolCommandName>\n    <PackageId>keyman</PackageId>\n    <Description>Okta to short-lived AWS credentials and Claude on Amazon Bedrock, with the config and flags of aws_okta_keyman</Description>\n  </PropertyGroup>\n</Project>:' "$work/src/Keyman/Keyman.csproj"
if ! dotnet pack "$work/src/Keyman/Keyman.csproj" -c Release -nologo -o "$out" >"$work/pack.log" 2>&1; then
  cat "$work/pack.log" >&2; exit 1
fi

(cd "$out" && sha256sum -- * > SHA256SUMS)
echo "release: $out"
sed 's/^/  /' "$out/SHA256SUMS"
for line in "${skipped[@]}"; do echo "  skipped $line"; done
[ "${#built[@]}" -gt 0 ] || { echo "release: no platform could be built on this host ($host)" >&2; exit 1; }
