<?php
// Class constants evaluated at first use, with PHP's errors.

class NoParent {
    const B = parent::C;
}
try {
    var_dump(NoParent::B);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}

class Undef {
    const A = Missing::X;
    const B = Undef::NOPE;
}
try {
    var_dump(Undef::A);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
try {
    var_dump(Undef::B);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}

class P {
    const X = 'p';
}
class C extends P {
    const X = parent::X . 'c';
    const Y = [self::X, parent::X];
}
var_dump(C::X, C::Y);

// An initializer that fails can be evaluated again later.
class Later {
    const V = LaterDep::W . '!';
}
try {
    var_dump(Later::V);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
if (true) {
    class LaterDep {
        const W = 'now';
    }
}
var_dump(Later::V);

// Operators that throw.
class Div {
    const Z = 1 % 0;
}
try {
    var_dump(Div::Z);
} catch (DivisionByZeroError $e) {
    echo $e->getMessage(), "\n";
}
