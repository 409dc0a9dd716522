<?php
// `$a[]` as an argument: a reference for a by-reference parameter, an Error by value.
class C { function r(&$a) { $a = 1; } function v($a) {} }
$o = new C;
$o->r($x[]);
var_dump($x);
try { $o->v($y[]); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { later($z[]); } catch (Error $e) { echo $e->getMessage(), "\n"; }
function later($a) {}
