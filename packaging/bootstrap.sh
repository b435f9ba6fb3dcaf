#!/usr/bin/env bash
# Install everything Evidence Desk needs on a fresh machine:
#  - on Debian/Ubuntu as root, the system libraries Qt loads (xcb, EGL, fonts,
#    PulseAudio client for Qt Multimedia) and the tools the tests use
#    (espeak-ng/sox to make real audio, poppler-utils to read PDFs back, xvfb);
#  - a virtualenv with the package and, with "test", its test extras.
# Usage: packaging/bootstrap.sh VENV_DIR [run|test]
set -euo pipefail
venv=${1:-.venv}
mode=${2:-run}
here=$(cd "$(dirname "$0")/.." && pwd)

debs_run="libegl1 libgl1 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-randr0 libxcb-xinerama0 libxcb-xkb1 libxcb-xfixes0 libxrender1 libxi6 libsm6 libice6
  libglib2.0-0 libpulse0 libnss3 fonts-dejavu-core xvfb xauth"
debs_test="espeak-ng sox poppler-utils"

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  want="$debs_run"
  [ "$mode" = test ] && want="$want $debs_test"
  missing=""
  for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
extras=""
[ "$mode" = test ] && extras="[test]"
"$venv/bin/python" -m pip install -q -e "$here$extras"
