# Shared by the scripts in this folder: paths, and the two virtual environments.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
RASA_VERSION=3.6.21
RASA_SDK_FOR_RASA=3.6.2

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

fingerprint() {  # sha256 over the named files' paths and contents
  local f
  for f in "$@"; do printf '%s\n' "$f"; cat "$f"; done | sha256sum | cut -c1-16
}

# var/ holds the logs, the address key, caches and the SQLite database: the owner's alone.
private_var() { mkdir -p var/log && chmod 700 var var/log; }
private_log() {  # var/log/$1, created (or left by an older run) readable by the owner only
  private_var
  : >> "var/log/$1" && chmod 600 "var/log/$1"
  echo "var/log/$1"
}
