#!/usr/bin/env bash
# Runs php-src's own run-tests.php (under the real PHP on PATH) against hippy over a test
# list, the second measurement the conformance figures are checked with (the first is
# hippy's phpt runner). Needs `php` installed and php-src fetched:
#   php/conformance/run-tests.sh ~/.cache/php-src-8.2 ../shared/conformance/tier1.txt [jobs]
# Prints run-tests.php's summary and writes the failed tests to /tmp/run-tests-failed.txt.
set -euo pipefail
src=${1:?php-src directory}
list=$(realpath "${2:?test list}")
jobs=${3:-2}
here=$(cd "$(dirname "$0")/../.." && pwd)
hippy=${HIPPY:-$here/target/release/hippy}
# run-tests.php looks for php-cgi and phpdbg next to the binary under a name derived from
# its own: a binary called `php` alone in a directory has neither.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
ln -s "$hippy" "$bin/php"
# The list's paths are relative to php-src; run-tests.php takes them with -r.
tests=$(mktemp)
grep -v '^#' "$list" | sed '/^$/d' > "$tests"
cd "$src"
TEST_PHP_EXECUTABLE="$bin/php" NO_INTERACTION=1 php -n run-tests.php -q -j"$jobs" \
  --no-color -w /tmp/run-tests-failed.txt -r "$tests" 2>&1 | sed -n '/^Number of tests/,/^Time taken/p'
rm -f "$tests"
