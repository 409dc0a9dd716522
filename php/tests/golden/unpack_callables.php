<?php
// Callables: visibility, abstract methods, closures' __invoke, by-reference parameters of
// callbacks, and the errors of dynamic calls.

namespace Shapes {
    abstract class Base {
        abstract static function make();
        protected function prot($x) { return "prot $x"; }
        public function callProt() { return call_user_func([$this, 'prot'], 1); }
    }
    class Square extends Base {
        static function make() { return new static; }
        private function priv($x) { return "priv $x"; }
        public function callPriv() { return call_user_func([$this, 'priv'], 2); }
    }
    class Magic {
        private function hidden() { return "hidden"; }
        public function __call($name, $args) { return "__call($name)"; }
    }

    $s = new Square;
    foreach ([[$s, 'priv'], [$s, 'prot'], 'Shapes\Base::make', ['Shapes\Base', 'make']] as $cb) {
        try {
            call_user_func($cb, 'x');
        } catch (\TypeError $e) {
            echo $e->getMessage(), "\n";
        }
        var_dump(is_callable($cb));
    }
    echo $s->callPriv(), "\n";
    echo $s->callProt(), "\n";
    echo call_user_func([new Magic, 'hidden']), "\n";
    try {
        Base::make();
    } catch (\Error $e) {
        echo $e->getMessage(), "\n";
    }
    try {
        [$s, 'priv']();
    } catch (\Error $e) {
        echo $e->getMessage(), "\n";
    }
}

namespace {
    $double = function ($x) { return $x * 2; };
    var_dump(call_user_func([$double, '__invoke'], 21));
    var_dump(call_user_func_array([$double, '__invoke'], [4]));

    function addOne(&$x) { $x++; return $x; }
    $n = 1;
    var_dump(call_user_func('addOne', $n), $n);
    var_dump(call_user_func('sort', [3, 1]));
    var_dump(call_user_func_array('addOne', [&$n]), $n);

    class Typed { static function need(int $i) { return $i; } }
    try {
        call_user_func('Typed::need', 'nope');
    } catch (TypeError $e) {
        echo $e->getMessage(), "\n";
    }

    foreach ([['', 'm'], '::m', 'Nope::m', 'Typed::', ':x', ['a'], [1, 'm'], ['Typed', 5], 42] as $f) {
        try {
            $f();
        } catch (Error $e) {
            echo get_class($e), ": ", $e->getMessage(), "\n";
        }
    }

    class Kid extends Typed {
        function test() {
            var_dump(is_callable(['parent', 'need']));
            var_dump(call_user_func('parent::need', 7));
        }
    }
    (new Kid)->test();

    function bat(int $foo, string $bar) {}
    try {
        bat("123");
    } catch (Error $e) {
        echo get_class($e), ": ", $e->getMessage(), "\n";
    }

    $e = new ErrorException("msg", 3, E_WARNING, "file.php", 12);
    var_dump($e->getSeverity(), $e->getCode(), $e->getFile(), $e->getLine());
    $e = new ErrorException("plain");
    var_dump($e->getSeverity(), $e->getLine() === __LINE__ - 1);

    try {
        array_slice([1, 2], 0, []);
    } catch (TypeError $e) {
        echo $e->getMessage(), "\n";
    }
    class Str { function __toString(): string { return "-"; } }
    var_dump(substr_replace("abc", new Str, 1, 1));

    function &nothing(): void {}
    $r = &nothing();
    var_dump($r);
}
