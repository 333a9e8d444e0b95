#!/usr/bin/env bash
# An independent validator for the scenario JSON Schema (tests/authoring.rs): Python's
# jsonschema, with PyYAML to read the scenarios. Idempotent and quiet: installs only what is
# missing.
set -euo pipefail

py=python3
command -v "$py" >/dev/null 2>&1 || py=python
if ! "$py" -c 'import jsonschema, yaml' >/dev/null 2>&1; then
  "$py" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'jsonschema>=4.18' 'pyyaml>=6'
fi
"$py" -c 'import jsonschema, yaml'
