#!/bin/sh
# Installs Debian packages with apt-get, as root or through sudo: `bench/apt-install.sh wrk`.
# The benchmarks' install scripts (install-wrk.sh, install-gevent.sh) use it.
set -eu

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "apt-install.sh: need root (or sudo) to run apt-get for: $*" >&2
  exit 1
fi

$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "$@"
