<?php
// Zend's own tokenizer over the same corpus, in one process: best of N rounds, MB/s.
// usage: php -n -d extension=tokenizer tokenize.php DIR [ROUNDS]
$dir = $argv[1];
$rounds = (int)($argv[2] ?? 5);
$files = [];
foreach (glob("$dir/*.php") as $f) {
    $files[] = file_get_contents($f);
}
$bytes = array_sum(array_map('strlen', $files));
$best = INF;
for ($r = 0; $r < $rounds; $r++) {
    $t = hrtime(true);
    foreach ($files as $src) {
        PhpToken::tokenize($src);
    }
    $best = min($best, (hrtime(true) - $t) / 1e9);
}
printf("Zend PhpToken::tokenize: %d files, %.2f MB, best of %d: %.3f s, %.1f MB/s\n",
    count($files), $bytes / 1e6, $rounds, $best, $bytes / 1e6 / $best);
