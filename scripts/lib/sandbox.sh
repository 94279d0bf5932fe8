# Sourced by scripts/demo.sh and bench/*.sh (from the repository root): a throw-away work folder and the sandbox
# running in the background, both gone when the script exits.
#   work       the work folder
#   track PID  kill PID at exit too (a keyring, a bus…)
#   start_sandbox [ARGS…]   builds and starts keyman-sandbox; sets
#     url          its https base URL (Okta, STS, Bedrock, sign-in), with a certificate from the sandbox's own CA
#     http_url     the same services over plain http (the control endpoints /_sandbox/… too)
#     sandbox_ca   the CA's PEM file, exported as SSL_CERT_FILE (Keyman: .NET reads OpenSSL's variable) and AWS_CA_BUNDLE
#                  (AWS CLI, boto3), so the script's clients take the TLS path users take; curl needs --cacert "$sandbox_ca"
#     sandbox_pid
work=$(mktemp -d)
tracked=()
track() { tracked+=("$1"); }
cleanup() {
  local pid
  for pid in "${tracked[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_sandbox() {
  dotnet build src/Keyman.Sandbox -c Release -nologo -v q >/dev/null
  dotnet src/Keyman.Sandbox/bin/Release/net10.0/keyman-sandbox.dll --ready-file "$work/url" "$@" >"$work/sandbox.log" 2>&1 &
  sandbox_pid=$!
  track "$sandbox_pid"
  local _
  for _ in $(seq 150); do [ -s "$work/url" ] && break; sleep 0.1; done
  [ -s "$work/url" ] || { cat "$work/sandbox.log" >&2; echo "the sandbox did not start" >&2; exit 1; }
  http_url=$(sed -n 1p "$work/url")
  url=$(sed -n 2p "$work/url")
  sandbox_ca="$work/url.ca.pem"
  export SSL_CERT_FILE="$sandbox_ca" AWS_CA_BUNDLE="$sandbox_ca"
}
