<?php
class A { public $n; function __construct($n) { $this->n = $n; } function __destruct() { echo "destroy {$this->n}\n"; } }
$a = new A(1);
$b = new A(2);
$c = [new A(3), new A(4)];
$x = new A(5); $y = $x;
function f() { static $s; $s = new A(6); }
f();
echo "end\n";
