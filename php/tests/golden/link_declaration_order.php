<?php
// A class implementing an interface (or whose parent comes later) is declared when its
// declaration runs, as PHP does; a simple class is declared before the script runs.
var_dump(class_exists('Simple'), class_exists('Later'), class_exists('Implementer'));
class Simple {}
class Later extends Parent_ {}
class Parent_ {}
interface Marker {}
class Implementer implements Marker {}
var_dump(class_exists('Later'), class_exists('Implementer'));
class Texty { public function __toString(): string { return "texty"; } }
var_dump(new Texty instanceof Stringable);
echo "before the error\n";
class Broken implements Marker { public function __construct() {} final public function f() {} }
class Breaks extends Broken { public function f() {} }
