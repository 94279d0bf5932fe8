#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser that reads what another party wrote (tests/Keyman.Fuzz), with AFL++ through
# SharpFuzz. Usage: scripts/fuzz.sh [TARGET|all] [SECONDS per target, default 20].
# Builds the fuzz project, instruments Keyman.Core and the parsing libraries it uses, runs afl-fuzz on each target for the
# budget, prints the executions per target, and exits non-zero when a target crashed (an exception other than Keyman's
# own KeymanException, a stack overflow, running out of its memory cap), printing each crashing input and its exception.
# Findings stay in artifacts/fuzz/findings/TARGET (crashes/, hangs/, queue/, fuzzer_stats).
# Environment: FUZZ_TIMEOUT_MS (one input, default 10000), FUZZ_MEMORY_LIMIT (GC heap cap, default 0x40000000 = 1 GiB),
# FUZZ_STOP_ON_CRASH (default 1: a target stops at its first crash), FUZZ_FAIL_ON_HANGS (default 0), FUZZ_WORK (default artifacts/fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:-all}
seconds=${2:-20}
timeout_ms=${FUZZ_TIMEOUT_MS:-10000}
work=${FUZZ_WORK:-$PWD/artifacts/fuzz}
project=tests/Keyman.Fuzz

case "$seconds" in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac
command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz is not installed (Debian package afl++)" >&2; exit 2; }

# Build once; keep an uninstrumented copy to replay crashes with, and instrument another in place.
rm -rf "$work/build" "$work/plain" "$work/instrumented"
dotnet build "$project" -c Release -nologo -v quiet -o "$work/build" >/dev/null
cp -r "$work/build" "$work/plain"
cp -r "$work/build" "$work/instrumented"
dotnet tool restore >/dev/null
instrument() { dotnet tool run sharpfuzz "$work/instrumented/$1" "${@:2}" >/dev/null; }
instrument Keyman.Core.dll
instrument AngleSharp.dll AngleSharp.Html.Parser AngleSharp.Html.Dom AngleSharp.Dom
instrument YamlDotNet.dll YamlDotNet.Core YamlDotNet.RepresentationModel
instrument AWSSDK.SecurityToken.dll Amazon.SecurityToken.Model.Internal.MarshallTransformations

mapfile -t all_targets < <(dotnet "$work/plain/Keyman.Fuzz.dll" --list)
if [ "$target" = all ]; then
  targets=("${all_targets[@]}")
elif printf '%s\n' "${all_targets[@]}" | grep -qx -- "$target"; then
  targets=("$target")
else
  echo "fuzz.sh: unknown target '$target'; one of: all ${all_targets[*]}" >&2
  exit 2
fi

# Unattended: no UI, no terminal, any CPU governor and core pattern, no pinning to a core the machine shares.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1
export AFL_FORKSRV_INIT_TMOUT=60000 AFL_FAST_CAL=1 AFL_SHUFFLE_QUEUE=0
[ "${FUZZ_STOP_ON_CRASH:-1}" = 1 ] && export AFL_BENCH_UNTIL_CRASH=1
# The GC heap cap turns runaway memory into an OutOfMemoryException, which counts as a crash.
export DOTNET_GCHeapHardLimit=${FUZZ_MEMORY_LIMIT:-0x40000000} DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet=$(command -v dotnet)
# The file targets write there on every input: in memory where possible, and removed at the end.
scratch=$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/keyman-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export KEYMAN_FUZZ_SCRATCH="$scratch"

stat() { sed -n "s/^$1 *: *//p" "$2" 2>/dev/null | head -n 1; }
failed=0
summary=()
for t in "${targets[@]}"; do
  out="$work/findings/$t"
  rm -rf "$out"
  mkdir -p "$out"
  echo "fuzz: $t for ${seconds}s" >&2
  status=0
  # -V is the budget; the outer timeout only guards against afl-fuzz itself not stopping.
  timeout --signal=INT --kill-after=30 $((seconds + 180)) \
    afl-fuzz -i "$project/corpus/$t" -o "$out" -V "$seconds" -t "$timeout_ms" -m none -- "$dotnet" "$work/instrumented/Keyman.Fuzz.dll" "$t" \
    </dev/null >"$out/afl.log" 2>&1 || status=$?
  stats="$out/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    echo "fuzz: $t: afl-fuzz did not start (exit $status); the end of $out/afl.log:" >&2
    tail -n 25 "$out/afl.log" >&2
    failed=1
    summary+=("$t: did not run")
    continue
  fi

  execs=$(stat execs_done "$stats")
  crashes=$(find "$out/default/crashes" -type f -name 'id:*' 2>/dev/null | sort)
  hangs=$(find "$out/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
  ncrash=$(printf '%s' "$crashes" | grep -c . || true)
  summary+=("$t: $execs executions, $(stat corpus_count "$stats") inputs in the queue, $ncrash crashes, $hangs hangs, $(stat execs_per_sec "$stats") exec/s")
  if [ "$ncrash" -gt 0 ]; then
    failed=1
    # Replay each crash without instrumentation and group them by exception and first Keyman frame; show one of each.
    declare -A seen=()
    while IFS= read -r crash; do
      replay=$(dotnet "$work/plain/Keyman.Fuzz.dll" "$t" --replay "$crash" 2>&1) && rc=0 || rc=$?
      if [ "$rc" -le 1 ]; then
        signature="$(sed -n 2p <<<"$replay" | cut -c1-160) @ $(grep -m1 -o 'at Keyman\.[^(]*' <<<"$replay" || true)"
      else
        signature="the process died (exit $rc): $(tail -n 1 <<<"$replay" | cut -c1-120)"
      fi
      if [ -z "${seen[$signature]:-}" ]; then
        seen[$signature]=1
        echo "fuzz: $t CRASH: $crash" >&2
        head -n 14 <<<"$replay" | tail -n +2 | sed 's/^/    /' >&2
      else
        count=${seen[$signature]}
        seen[$signature]=$((count + 1))
      fi
    done <<<"$crashes"
    for signature in "${!seen[@]}"; do
      summary+=("    ${seen[$signature]} x $signature")
    done
    unset seen
  fi

  if [ "$hangs" -gt 0 ]; then
    echo "fuzz: $t: $hangs inputs ran longer than ${timeout_ms} ms: $out/default/hangs" >&2
    [ "${FUZZ_FAIL_ON_HANGS:-0}" = 1 ] && failed=1
  fi
done

echo "fuzz results (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED (see above; findings in $work/findings)" >&2
  exit 1
fi
echo "fuzz: no crash"
