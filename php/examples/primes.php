<?php
// Counts the primes below a limit by trial division, and prints a few Fibonacci numbers:
// loops, functions, recursion and string interpolation, what hippy runs so far.
function is_prime($n) {
    if ($n < 2) {
        return false;
    }
    for ($d = 2; $d * $d <= $n; $d++) {
        if ($n % $d == 0) {
            return false;
        }
    }
    return true;
}

function fib($n) {
    return $n < 2 ? $n : fib($n - 1) + fib($n - 2);
}

$limit = 200000;
$count = 0;
$last = 0;
for ($i = 0; $i < $limit; $i++) {
    if (is_prime($i)) {
        $count++;
        $last = $i;
    }
}
echo "There are $count primes below $limit; the largest is $last.\n";
for ($i = 10; $i <= 25; $i += 5) {
    echo "fib($i) = ", fib($i), "\n";
}
