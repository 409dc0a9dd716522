<?php
// `?->` skips the rest of its chain when the object is null.
class Node {
    public $next;
    public $value;
    public $list = [1, 2];
    function __construct($value, $next = null) {
        $this->value = $value;
        $this->next = $next;
    }
    function next() { echo "next() on {$this->value}\n"; return $this->next; }
    function value() { return $this->value; }
}
function arg($x) { echo "arg($x)\n"; return $x; }

$chain = new Node(1, new Node(2));
$none = null;
var_dump($chain?->next?->value);
var_dump($chain?->next?->next?->value);
var_dump($none?->next->next->value);
var_dump($none?->next(arg(1))->value(arg(2)));
var_dump($chain->next()?->next()?->value(arg(3)));
var_dump($none?->list[0]);
var_dump($chain?->list[1]);
var_dump(isset($none?->next->value), isset($chain?->next->value));
var_dump(empty($none?->value));
var_dump($none?->value ?? 'default');
var_dump(strlen($none?->value));
// The chain ends at an argument: the outer call still runs.
var_dump(arg($none?->value) === null ? 'null arg' : 'value');
// Write contexts and references are errors.
function set(&$ref) { $ref = 1; }
try {
    set($none?->value);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
$f = 'set';
try {
    $f($chain?->value);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
foreach ($chain?->list as &$v) {
    $v *= 10;
}
var_dump($chain->list);
$x = null;
try {
    var_dump($x instanceof $x);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
try {
    $none?->value::C;
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
