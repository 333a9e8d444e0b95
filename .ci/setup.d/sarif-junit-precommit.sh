#!/usr/bin/env bash
# Consumers the output tests check granska's machine formats with (tests/outputs.rs,
# tests/precommit.rs): Microsoft's SARIF Multitool (npm), junitparser and pre-commit (PyPI).
# Idempotent and quiet: installs only what is missing.
set -euo pipefail

if ! command -v sarif-multitool >/dev/null 2>&1 || ! sarif-multitool --version >/dev/null 2>&1; then
  npm install --global --no-fund --no-audit --loglevel=error @microsoft/sarif-multitool@5.7.0 >/dev/null
  # The platform package's postinstall (chmod u+x) may be skipped by npm's install-script policy.
  root="$(npm root --global)"
  chmod u+x "$root"/@microsoft/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool 2>/dev/null || true
fi

py=python3
command -v "$py" >/dev/null 2>&1 || py=python
if ! "$py" -c 'import junitparser' >/dev/null 2>&1 || ! command -v pre-commit >/dev/null 2>&1; then
  "$py" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'junitparser>=3' 'pre-commit>=3.2'
fi

command -v git >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq git >/dev/null; }
