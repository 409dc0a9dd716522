<?php
class A { public static function make() {} }
echo "before\n";
if (true) {
    class B extends A {
        public function make() {}
    }
}
