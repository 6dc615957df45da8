#!/bin/sh
# Installs Debian's wrk (the HTTP load generator of bench/http.js). Needs root (or sudo). Does
# nothing when wrk is already on PATH.
set -eu

if command -v wrk >/dev/null 2>&1; then
  echo "wrk is already installed: $(command -v wrk)"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "install-wrk.sh: need root (or sudo) to run apt-get" >&2
  exit 1
fi

$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y wrk

echo "wrk installed: $(command -v wrk)"
