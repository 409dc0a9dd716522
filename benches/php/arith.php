<?php
// Arithmetic loops: integer work (a linear congruential generator, digit sums, gcd, Collatz
// steps) and float work (a Mandelbrot-style escape count, Leibniz series for pi), each printing
// a deterministic result.

function int_loops(int $n): int
{
    $seed = 12345;
    $acc = 0;
    for ($i = 0; $i < $n; $i++) {
        $seed = ($seed * 1103515245 + 12345) % 2147483648;
        $x = $seed;
        $digits = 0;
        while ($x > 0) {
            $digits += $x % 10;
            $x = intdiv($x, 10);
        }
        $acc = ($acc + $digits * ($i & 7) + ($seed >> 7)) % 1000000007;
    }
    return $acc;
}

function gcd_sum(int $n): int
{
    $sum = 0;
    for ($a = 1; $a <= $n; $a++) {
        for ($b = 1; $b <= $n; $b += 7) {
            $x = $a;
            $y = $b;
            while ($y != 0) {
                $t = $x % $y;
                $x = $y;
                $y = $t;
            }
            $sum += $x;
        }
    }
    return $sum;
}

function collatz_steps(int $limit): int
{
    $best = 0;
    $arg = 0;
    for ($i = 1; $i < $limit; $i++) {
        $n = $i;
        $steps = 0;
        while ($n != 1) {
            $n = ($n & 1) ? 3 * $n + 1 : $n >> 1;
            $steps++;
        }
        if ($steps > $best) {
            $best = $steps;
            $arg = $i;
        }
    }
    return $arg * 1000 + $best;
}

function escape_count(int $w, int $h, int $iters): int
{
    $inside = 0;
    for ($py = 0; $py < $h; $py++) {
        $ci = 2.0 * $py / $h - 1.0;
        for ($px = 0; $px < $w; $px++) {
            $cr = 3.0 * $px / $w - 2.0;
            $zr = 0.0;
            $zi = 0.0;
            $k = 0;
            while ($k < $iters && $zr * $zr + $zi * $zi <= 4.0) {
                $t = $zr * $zr - $zi * $zi + $cr;
                $zi = 2.0 * $zr * $zi + $ci;
                $zr = $t;
                $k++;
            }
            if ($k == $iters) {
                $inside++;
            }
        }
    }
    return $inside;
}

function leibniz(int $n): float
{
    $s = 0.0;
    $sign = 1.0;
    for ($i = 0; $i < $n; $i++) {
        $s += $sign / (2 * $i + 1);
        $sign = -$sign;
    }
    return 4.0 * $s;
}

echo "ints ", int_loops(600000), "\n";
echo "gcd ", gcd_sum(1000), "\n";
echo "collatz ", collatz_steps(300000), "\n";
echo "mandel ", escape_count(300, 150, 300), "\n";
printf("pi %.9f\n", leibniz(6000000));
