<?php
// Objects converted to numbers, compared with numbers; handle numbers reused as Zend does.
class T {}
$o = new T;
var_dump((int) $o, (float) $o, intval($o), floatval($o));
$x = $o; settype($x, 'int'); var_dump($x);
$x = $o; settype($x, 'float'); var_dump($x);
$x = $o; settype($x, 'array'); var_dump($x);
$x = [1, 'a' => 2]; settype($x, 'object'); var_dump($x);
$x = 'str'; settype($x, 'object'); var_dump($x);
try { $x = 1; settype($x, 'resource'); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
class S { function __toString(): string { return 'ten'; } }
$x = new S; settype($x, 'string'); var_dump($x);
var_dump(1 == $o, $o < 2, 1.5 == $o, 'abc' == $o, null == $o);
var_dump($o == $o, $o == new T);

// Handles: freed ones are reused, the most recently freed first; an object's handle is
// free once the objects it holds are freed.
$a = new stdClass; $b = new stdClass; unset($a); unset($b);
var_dump(new stdClass);
$list = [new stdClass, new stdClass]; $list = null;
var_dump(new stdClass);
$outer = new stdClass; $outer->inner = new stdClass; $outer = null;
var_dump(new stdClass);

// Cycles print *RECURSION*.
class Node { public $parent; public $children = []; }
$root = new Node;
$child = new Node;
$child->parent = $root;
$root->children[] = $child;
var_dump($root);
print_r($root);
echo "\n";
$self = new stdClass;
$self->me = $self;
var_dump($self);
