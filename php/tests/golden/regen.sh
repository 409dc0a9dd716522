#!/usr/bin/env bash
# Regenerates the expected outputs of the golden tests with real PHP (`php -n`, PHP 8.2):
# `NAME.out` is what `php -n NAME.php` prints, with this directory's path written as %DIR%
# (PHP prints the script's full path in messages). Never edit a .out by hand.
set -euo pipefail
cd "$(dirname "$0")"
dir=$(pwd)
for f in *.php; do
  php -n "$f" 2>&1 | sed "s|$dir|%DIR%|g" > "${f%.php}.out" || true
done
