<?php
// Function calls: deep recursion (fib, Ackermann, Tak) and many small calls in loops (helpers
// with typed and default parameters, static methods, closures), each printing a deterministic
// result.

function fib(int $n): int
{
    return $n < 2 ? $n : fib($n - 1) + fib($n - 2);
}

function ack(int $m, int $n): int
{
    if ($m == 0) {
        return $n + 1;
    }
    if ($n == 0) {
        return ack($m - 1, 1);
    }
    return ack($m - 1, ack($m, $n - 1));
}

function tak(int $x, int $y, int $z): int
{
    return $y < $x ? tak(tak($x - 1, $y, $z), tak($y - 1, $z, $x), tak($z - 1, $x, $y)) : $z;
}

function add(int $a, int $b): int
{
    return $a + $b;
}

function clamp(int $v, int $lo = 0, int $hi = 1000): int
{
    return $v < $lo ? $lo : ($v > $hi ? $hi : $v);
}

function mix(int $h, int $v): int
{
    return (($h ^ $v) * 16777619) & 0xffffffff;
}

final class MathUtil
{
    public static function square(int $x): int
    {
        return $x * $x;
    }
}

function small_calls(int $n): int
{
    $h = 2166136261;
    $sum = 0;
    for ($i = 0; $i < $n; $i++) {
        $sum = add($sum, clamp($i % 1500));
        $h = mix($h, MathUtil::square($i & 255));
    }
    return $sum ^ $h;
}

function closure_calls(int $n): int
{
    $k = 3;
    $f = function (int $x) use ($k): int {
        return $x * $k + 1;
    };
    $g = fn(int $x): int => $x - 2;
    $acc = 0;
    for ($i = 0; $i < $n; $i++) {
        $acc = ($acc + $g($f($i))) % 1000003;
    }
    return $acc;
}

echo "fib ", fib(32), "\n";
echo "ack ", ack(2, 1000), "\n";
echo "tak ", tak(22, 16, 8), "\n";
echo "small ", small_calls(3000000), "\n";
echo "closures ", closure_calls(2000000), "\n";
