<?php
// Constant expressions with element reads and spreads; match errors show their subject as
// PHP does (escaped strings, floats with their fraction, objects by class).
const A = [1, 2, [3, [4]]];
const B = ['x' => [10, 20]];
class C {
    const D = [...A, 5];
    const E = B['x'][1];
    const F = A[2][1][0] ?? 'none';
    const G = A[9] ?? 'none';
}
function f($a = A[2][0], $b = [...B['x'], 30]) {
    var_dump($a, $b);
}
f();
var_dump(C::D, C::E, C::F, C::G);
foreach ([5.0, 1.5, "a\nb\\c\x01", new C, [1]] as $v) {
    try {
        match ($v) {};
    } catch (\UnhandledMatchError $e) {
        echo $e->getMessage(), "\n";
    }
}
function g($s) { throw new Exception("x"); }
try {
    g("tab\there\x7f");
} catch (Exception $e) {
    echo $e->getTraceAsString(), "\n";
}
