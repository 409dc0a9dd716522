#!/usr/bin/env bash
# Builds the release binaries and runs a benchmark suite side by side with its peers; the report
# goes to standard output and to benches/results/SUITE.md.   usage: benches/run.sh bf|tlr [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
suite=${1:?usage: benches/run.sh bf|tlr [RUNS]}
runs=${2:-6}
cargo build --release -q -p lang-bf -p lang-tlr -p metajit-benches
"${CARGO_TARGET_DIR:-target}"/release/bench "$suite" --runs "$runs" --out "benches/results/$suite.md"
