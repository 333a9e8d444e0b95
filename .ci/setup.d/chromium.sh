#!/usr/bin/env bash
# Headless Chromium for tests/report.rs: it opens the HTML decision report, takes a
# screenshot and dumps the DOM. Debian's `chromium` package. Idempotent and quiet: installs
# only when it is missing.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && chromium --version >/dev/null 2>&1; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
chromium --version
