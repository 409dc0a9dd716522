<?php
// Zend's own tokenizer over the same corpus, in one process: median of N rounds (and the
// spread, min..max), in MB/s, reported like hippy's syntax-throughput.
// usage: php -n -d extension=tokenizer tokenize.php DIR [ROUNDS]
$dir = $argv[1];
$rounds = max(1, (int)($argv[2] ?? 7));
$files = [];
foreach (glob("$dir/*.php") as $f) {
    $files[] = file_get_contents($f);
}
$bytes = array_sum(array_map('strlen', $files));
$times = [];
for ($r = 0; $r < $rounds; $r++) {
    $t = hrtime(true);
    foreach ($files as $src) {
        PhpToken::tokenize($src);
    }
    $times[] = (hrtime(true) - $t) / 1e9;
}
sort($times);
$n = count($times);
$median = $n % 2 ? $times[intdiv($n, 2)] : ($times[$n / 2 - 1] + $times[$n / 2]) / 2;
$mb = $bytes / 1e6;
printf("Zend PhpToken::tokenize: %d files, %.2f MB, median of %d: %.3f s, %.1f MB/s (spread %.1f..%.1f MB/s)\n",
    count($files), $mb, $rounds, $median, $mb / $median, $mb / $times[$n - 1], $mb / $times[0]);
