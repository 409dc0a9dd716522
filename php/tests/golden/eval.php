<?php
// eval: return values, variables shared with the caller, functions it declares, ParseError.
$a = 2;
$r = eval('return $a * 21;');
var_dump($r);
var_dump(eval('$b = $a + 1;'));
echo $b, "\n";
eval('function fromeval() { return "fe"; }');
echo fromeval(), "\n";
try { eval('this is bad'); } catch (ParseError $e) { echo get_class($e), ": ", $e->getMessage(), " line ", $e->getLine(), "\n"; }
eval('echo __FILE__, "\n"; echo undefined_thing;');
