#!/bin/sh
# Installs Debian's wrk (the HTTP load generator of bench/http.js). Needs root (or sudo). Does
# nothing when wrk is already on PATH.
set -eu

if command -v wrk >/dev/null 2>&1; then
  echo "wrk is already installed: $(command -v wrk)"
  exit 0
fi

"$(dirname "$0")/apt-install.sh" wrk

echo "wrk installed: $(command -v wrk)"
