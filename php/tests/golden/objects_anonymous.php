<?php
// Anonymous classes.
interface Greets { function greet(); }
class Base { public $base = 'base'; function __construct(public $arg = null) {} }
$o = new class('given') extends Base implements Greets {
    private $secret = 's';
    function greet() { return "hi {$this->arg}"; }
};
var_dump($o instanceof Base, $o instanceof Greets, $o->greet());
var_dump($o);
echo strlen(get_class($o)) > strlen('Base@anonymous') ? "long name\n" : "short name\n";
echo explode("\0", get_class($o))[0], "\n";
function make() { return new class { public $n = 0; }; }
$a = make();
$b = make();
var_dump(get_class($a) === get_class($b), $a instanceof $b);
$c = new class { function __toString(): string { return 'anon'; } };
echo $c, "\n";
try { $c->missing(); } catch (Error $e) { echo $e->getMessage(), "\n"; }
$plain = new class {};
var_dump($plain);
print_r($plain);
echo "\n";
