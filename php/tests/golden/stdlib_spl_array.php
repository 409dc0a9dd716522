<?php
$a = new ArrayObject([1, 2, "x" => 3]);
$a[] = 4; $a["y"] = 5; unset($a[0]);
var_dump(count($a), isset($a["x"]), isset($a["nope"]), $a["x"] ?? "d", $a[1]);
foreach ($a as $k => $v) echo "$k=$v\n";
var_dump($a);
var_dump(iterator_to_array(new ArrayIterator([1,2,3])), iterator_count($a->getIterator()));
class foo extends ArrayObject { public function __construct($arr) { parent::__construct($arr); } }
var_dump( (new foo( array(1, array(4, 5), 3) ))[1][0] );
$it = new ArrayIterator(["a" => 1, "b" => 2]);
foreach ($it as $k => $v) echo "$k: $v\n";
var_dump((new ArrayObject)[-1]);
