<?php
// class_alias(): another name for a class.
namespace {
interface I {}
class A implements I { const X = 1; }
var_dump(class_alias('A', 'B'));
var_dump(class_alias('A', 'B'));
var_dump(class_alias('I', 'J'));
var_dump(class_alias('Nope', 'C'));
var_dump(class_alias('Later', 'D', false));
$b = new B;
var_dump($b, $b instanceof A, $b instanceof B, $b instanceof J, B::X, get_class($b));
try { class_alias('stdClass', 'S'); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
var_dump(class_exists('B'), interface_exists('J'));
}

namespace Space {

class Thing {}
\class_alias('Space\Thing', 'Space\Other');
var_dump(new namespace\Other, new Other instanceof Thing);
}
