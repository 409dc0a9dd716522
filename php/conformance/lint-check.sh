#!/usr/bin/env bash
# CI step: hippy -l versus php -n -l on a pinned subset of php-src's tests (tiers 1 and 2,
# about 3,500 files, under a minute on 2 cores); fails on a regression against the committed
# php/conformance/lint-results.txt (produced by the full run). Skips when php or the php-src
# tree is missing.   Full run (all 18k files, ~2 min):
#   cargo run --release -p php-phpt --bin lint-conformance -- --write
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=../shared/conformance
src=${PHP_SRC:-$HOME/.cache/php-src-8.2}
if [[ ! -d $shared || ! -d $src/Zend ]] || ! command -v php >/dev/null; then
  echo "lint conformance: skipped (needs ../shared, php and the php-src tree at $src)"
  exit 0
fi
list=$(mktemp)
cat "$shared/tier1.txt" "$shared/tier2.txt" > "$list"
cargo run --release -q -p php-phpt --bin lint-conformance -- --php-src "$src" --list "$list" --check
rm -f "$list"
