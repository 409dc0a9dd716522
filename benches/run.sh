#!/usr/bin/env bash
# Builds the release binaries and runs a benchmark suite side by side with its peers; the report
# goes to standard output, and with --write also to the committed benches/results/SUITE.md.
#   usage: benches/run.sh bf|tlr|lox|php [RUNS] [--write]   (lox: CLOX=/path/to/clox adds clox;
#          php: PHP_SRC=/path/to/php-src, default ~/.cache/php-src-8.2, for Zend/bench.php)
set -euo pipefail
cd "$(dirname "$0")/.."
usage="usage: benches/run.sh bf|tlr|lox|php [RUNS] [--write]"
suite= runs=6 write=
for a in "$@"; do
  case $a in
    --write) write=1 ;;
    [0-9]*) runs=$a ;;
    -*) echo "$usage" >&2; exit 2 ;;
    *) suite=$a ;;
  esac
done
[[ -n $suite ]] || { echo "$usage" >&2; exit 2; }
out=()
[[ -n $write ]] && out=(--out "benches/results/$suite.md")
cargo build --release -q -p lang-bf -p lang-tlr -p lang-lox -p hippy -p metajit-benches
"${CARGO_TARGET_DIR:-target}"/release/bench "$suite" --runs "$runs" "${out[@]}"
