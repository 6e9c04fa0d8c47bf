#!/usr/bin/env bash
# Make sure the system tools the tests drive are present: Debian chromium (browser tests,
# PDFs), poppler-utils (pdftoppm/pdftotext to check PDFs), fonts with umlauts and emoji, and
# for the JupyterHub test (tests/hub) git (nbgitpuller), useradd/groupadd (passwd) and runuser
# (util-linux).
# Installs them with apt-get when we are root; otherwise says what to install.
# With CI=true a missing tool is an error, never a silent skip.
set -euo pipefail

packages=(chromium poppler-utils fonts-dejavu-core fonts-noto-color-emoji git passwd util-linux)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v useradd >/dev/null 2>&1 || missing+=(passwd)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  exit 0
fi

message="Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${packages[*]}"
if [ "${CI:-}" = "true" ]; then
  echo "ERROR: $message" >&2
  exit 1
fi
echo "WARNING: $message (the browser, PDF and hub tests will be skipped)" >&2
