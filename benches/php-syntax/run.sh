#!/usr/bin/env bash
# Syntax throughput: hippy's lexer+parser versus Zend's tokenizer on the --FILE-- sections of
# php-src 8.2.32's tests (one core each; median of ROUNDS
# rounds and the spread).   usage: benches/php-syntax/run.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-7}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
src=$(bash ../shared/conformance/get-php-src.sh 2>/dev/null | tail -1) || { echo "skipped: no php-src tree"; exit 0; }
corpus=${TMPDIR:-/tmp}/php-syntax-corpus
cargo build --release -q -p php-phpt --bin lint-conformance
cargo build --release -q -p hippy --bin syntax-throughput
if [[ ! -d $corpus ]]; then
  "$CARGO_TARGET_DIR"/release/lint-conformance --php-src "$src" --extract "$corpus"
fi
"$CARGO_TARGET_DIR"/release/syntax-throughput "$corpus" "$rounds"
if command -v php >/dev/null; then
  php -n -d extension=tokenizer -d memory_limit=-1 -d display_errors=0 benches/php-syntax/tokenize.php "$corpus" "$rounds"
else
  echo "php not installed: Zend's tokenizer not measured"
fi
