<?php
// try/catch/finally in every shape: nested, rethrown, finally on return/break/continue,
// exceptions from built-ins and from deep calls, the Throwable methods.
function risky($n) {
    if ($n % 3 == 0) throw new InvalidArgumentException("multiple of three: $n", $n);
    if ($n % 5 == 0) throw new RuntimeException("multiple of five: $n");
    return $n * 2;
}
foreach ([1, 3, 5, 7, 15] as $n) {
    try {
        echo risky($n), "\n";
    } catch (InvalidArgumentException | LengthException $e) {
        echo get_class($e), " ", $e->getMessage(), " code ", $e->getCode(), "\n";
    } catch (Exception $e) {
        echo "other: ", $e->getMessage(), "\n";
    } finally {
        echo "done $n\n";
    }
}
function f($x) {
    try {
        try {
            if ($x) throw new LogicException("inner");
            return "no throw";
        } finally {
            echo "inner finally\n";
        }
    } catch (LogicException $e) {
        return "caught " . $e->getMessage();
    } finally {
        echo "outer finally\n";
    }
}
echo f(false), "\n", f(true), "\n";
for ($i = 0; $i < 5; $i++) {
    try {
        if ($i == 1) continue;
        if ($i == 3) break;
        echo "body $i\n";
    } finally {
        echo "finally $i\n";
    }
}
try {
    try {
        throw new Exception("first");
    } catch (Exception $e) {
        throw new RuntimeException("second", 2, $e);
    }
} catch (Exception $e) {
    echo $e->getMessage(), " <- ", $e->getPrevious()->getMessage(), "\n";
}
try { echo 1 % 0; } catch (DivisionByZeroError $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
try { strlen(); } catch (ArgumentCountError $e) { echo $e->getMessage(), "\n"; }
try { [] > new stdClass; echo "compared\n"; } catch (Error $e) { echo $e->getMessage(), "\n"; }
class MyException extends Exception {
    public function __construct($m) { parent::__construct("my: $m", 42); }
}
function thrower() { throw new MyException("custom"); }
try { thrower(); } catch (MyException $e) {
    echo $e->getMessage(), " ", $e->getCode(), " line ", $e->getLine(), "\n";
    echo $e->getTraceAsString(), "\n";
}
$e = new Exception("made here");
echo $e->getLine(), "\n";
echo get_class(new TypeError), " ", (new ValueError("v")) instanceof Error ? "is Error" : "not", "\n";
function uncaught() { throw new DomainException("nobody catches this"); }
uncaught();
echo "not reached\n";
