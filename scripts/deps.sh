#!/usr/bin/env bash
# Installs the Debian 12 packages eseal needs to build, run and test.
# Runs apt-get only when something is missing, so it is cheap to call again.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git ca-certificates
  libssl-dev openssl libzip-dev libxml2-dev zlib1g-dev
  libjansson-dev libmicrohttpd-dev libsqlite3-dev libpq-dev
  libcairo2-dev libfreetype-dev libpng-dev libjpeg62-turbo-dev fonts-noto-cjk fontconfig
  gettext locales unzip zip jq postgresql sqlite3
  clang llvm libclang-rt-14-dev valgrind
  qpdf poppler-utils libnss3-tools
  curl nginx wrk xxd time bc
  chromium
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# Node.js and npm run the web console's browser test (web/test). A nodejs
# package that already bundles npm would conflict with Debian's npm, so
# ask for each only when its command is missing.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Chinese messages need the zh_CN.UTF-8 locale.
if ! locale -a 2>/dev/null | grep -qi '^zh_CN.utf8$'; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen || echo 'zh_CN.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
  $SUDO locale-gen >/dev/null
fi
