<?php
const BASE = 10;
class C {
    const A = 2;
    const B = self::A * 3 + BASE;
    const S = "x" . self::A . PHP_EOL;
    const F = self::A > 1 ? "big" : "small";
    const ARR = [self::A => 'two', 'k' => self::B << 1];
    public $p = self::B - 1;
    static $s = -self::A;
    function m($x = self::B * 2, $y = PHP_INT_MAX - 1, $z = BASE ?? 5) { return "$x $y $z"; }
}
echo C::B, " ", C::S, C::F, "\n";
print_r(C::ARR);
echo (new C)->p, " ", C::$s, " ", (new C)->m(), "\n";
function f($a = 1 + 2, $b = !false, $c = ~0, $d = 2 ** 10) { var_dump($a, $b, $c, $d); }
f();
