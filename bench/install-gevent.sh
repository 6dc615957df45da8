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

"$(dirname "$0")/apt-install.sh" python3-gevent

"$PY" -c "import gevent; print('gevent', gevent.__version__, 'installed for $PY')"
