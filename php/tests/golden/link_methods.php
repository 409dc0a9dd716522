<?php
// Final, static and visibility rules; private methods and constructors are exempt.
class A {
    private function secret(int $a) {}
    public function __construct(int $a) {}
    protected function open() {}
    final public function locked() {}
}
class B extends A {
    public function secret(string $a, $b) {}
    public function __construct(string $a, array $b) {}
    public function open() {}
}
echo "private methods and constructors are not checked\n";
if (true) {
    class C extends A {
        public function locked() {}
    }
}
