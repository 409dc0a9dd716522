<?php
// get_class_methods(): declaration order (own, then inherited, then interfaces'), filtered
// by what the calling scope may call.
interface I { function i1(); }
class P {
    function p1() {}
    protected function p2() {}
    private function p3() {}
    function shared() {}
    static function ps() {}
}
abstract class C extends P implements I {
    function zeta() {}
    function shared() {}
    private function cpriv() {}
    function __construct() {}
    function alpha() {}
    static function fromC() { return get_class_methods('C'); }
}
class D extends C {
    function i1() {}
    function test() { return get_class_methods($this); }
}
print_r(get_class_methods('C'));
print_r(get_class_methods('D'));
print_r((new D)->test());
print_r(C::fromC());
print_r(get_class_methods('I'));
foreach (['nope', 1, null] as $bad) {
    try {
        get_class_methods($bad);
    } catch (TypeError $e) {
        echo $e->getMessage(), "\n";
    }
}
