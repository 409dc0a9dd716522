<?php
// Arrays in loops: a sieve, a bubble sort, a matrix product, word counts, a queue.
$n = 100;
$sieve = [];
for ($i = 0; $i <= $n; $i++) { $sieve[] = true; }
$sieve[0] = $sieve[1] = false;
for ($i = 2; $i * $i <= $n; $i++) {
    if ($sieve[$i]) { for ($j = $i * $i; $j <= $n; $j += $i) { $sieve[$j] = false; } }
}
$primes = [];
foreach ($sieve as $k => $isPrime) { if ($isPrime) { $primes[] = $k; } }
echo implode(" ", $primes), "\n";

$data = [5, 3, 9, 1, 7, 2, 8, 6, 4, 0];
$len = count($data);
for ($i = 0; $i < $len; $i++) {
    for ($j = 0; $j < $len - 1 - $i; $j++) {
        if ($data[$j] > $data[$j + 1]) { $t = $data[$j]; $data[$j] = $data[$j + 1]; $data[$j + 1] = $t; }
    }
}
echo implode(",", $data), "\n";

$a = [[1, 2], [3, 4]]; $b = [[5, 6], [7, 8]]; $c = [];
for ($i = 0; $i < 2; $i++) {
    for ($j = 0; $j < 2; $j++) {
        $c[$i][$j] = 0;
        for ($k = 0; $k < 2; $k++) { $c[$i][$j] += $a[$i][$k] * $b[$k][$j]; }
    }
}
print_r($c);

$words = ["apple", "pear", "apple", "fig", "pear", "apple"];
$counts = [];
foreach ($words as $w) {
    if (!isset($counts[$w])) { $counts[$w] = 0; }
    $counts[$w]++;
}
var_dump($counts);
echo count($counts), " ", in_array("fig", $words) ? "yes" : "no", " ", in_array("kiwi", $words) ? "yes" : "no", "\n";
print_r(array_keys($counts)); print_r(array_values($counts));

$queue = [];
for ($i = 0; $i < 1000; $i++) { $queue[] = $i; if ($i >= 3) { unset($queue[$i - 3]); } }
print_r($queue);
$total = 0;
for ($r = 0; $r < 200; $r++) { $row = [$r, $r * 2, $r * 3]; foreach ($row as $v) { $total += $v; } }
echo $total, "\n";
$copy = $data; $copy[] = 99; echo count($data), " ", count($copy), "\n";
$nested = ["a" => ["b" => ["c" => 1]]]; $nested["a"]["b"]["d"] = 2; unset($nested["a"]["b"]["c"]);
var_dump($nested);
foreach ([] as $never) { echo "never"; }
foreach (5 as $bad) { echo "never"; }
echo "done\n";
