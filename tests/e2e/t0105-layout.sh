#!/bin/sh
# The layout cli/README.md draws: each part includes only the parts below it, the engine names no
# server and compares no op or type name, cli/ itself stays small. tests/tools/layout-check prints
# one ok/not ok line a rule.
cd "$(dirname "$0")/../.." || exit 1
exec python3 tests/tools/layout-check
