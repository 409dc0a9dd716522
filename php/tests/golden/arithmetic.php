<?php
// Ints, floats, overflow to float, division, modulo, powers, bitwise operators.
$a = 7; $b = 2;
echo $a + $b, " ", $a - $b, " ", $a * $b, " ", $a / $b, " ", $a % $b, " ", $a ** $b, "\n";
echo 6 / 3, " ", -7 % 3, " ", 7 % -3, " ", 2 ** -1, " ", 2 ** 63, " ", (-2) ** 63, "\n";
echo PHP_INT_MAX + 1, " ", PHP_INT_MIN - 1, " ", PHP_INT_MAX * 2, " ", -PHP_INT_MIN, "\n";
echo 0.1 + 0.2, " ", 1e15, " ", 1e14, " ", 1/3, " ", -0.0, " ", 1.5e-7, "\n";
var_dump(0.1 + 0.2, 1e100, 7.0, -1.5, 2 ** 0.5, 10 / 4, 10 / 5);
echo 6 & 3, " ", 6 | 3, " ", 6 ^ 3, " ", ~6, " ", 1 << 62, " ", -16 >> 2, " ", 1 << 64, "\n";
echo "12" + 3, " ", "1.5" * 2, " ", " 7 " - 1, " ", "1e3" + 0, " ", true + true, " ", null + 5, "\n";
echo intdiv(17, 5), " ", intdiv(-17, 5), "\n";
$x = 10; $x += 5; $x -= 3; $x *= 2; $x /= 4; echo $x, "\n";
$y = 17; $y %= 5; $y **= 3; $y <<= 2; $y |= 1; $y ^= 3; $y &= 0xff; echo $y, "\n";
echo -$a, " ", +$b, " ", -"3", " ", - -4, "\n";
$s = 0;
for ($i = 1; $i <= 1000; $i++) { $s += $i * $i % 7; }
echo $s, "\n";
$f = 0.0;
for ($i = 0; $i < 1000; $i++) { $f += 0.001; }
echo $f, "\n";
var_dump($f);
