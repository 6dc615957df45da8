#!/bin/sh
# Installs Debian's gevent (python3-gevent) for the comparison columns of bench/switch.js and
# bench/parked.js. Debian's package goes into /usr/lib/python3/dist-packages, which only the
# system interpreter (/usr/bin/python3) sees; a pyenv or venv `python3` earlier on PATH does not.
# Needs root (or sudo). Does nothing when the system interpreter already imports gevent.
set -eu

PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c "import gevent" 2>/dev/null; then
  echo "gevent $("$PY" -c 'import gevent; print(gevent.__version__)') is already installed for $PY"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "install-gevent.sh: need root (or sudo) to run apt-get" >&2
  exit 1
fi

$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y python3-gevent

"$PY" -c "import gevent; print('gevent', gevent.__version__, 'installed for $PY')"
