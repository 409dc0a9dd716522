<?php
// Private properties are per declaring class: a subclass's property of the same name, or a
// dynamic one, lives beside the parent's private one.
class A {
    private $x = 'A';
    public $p = 1;
    protected $q = 2;
    function ax() { return $this->x; }
    function setAx($v) { $this->x = $v; }
    function seen() { $out = []; foreach ($this as $k => $v) { $out[] = "$k=$v"; } return implode(',', $out); }
    function vars() { return get_object_vars($this); }
}
class B extends A {
    public $x = 'B';
    private $y = 3;
    function bx() { return $this->x; }
    function seenB() { $out = []; foreach ($this as $k => $v) { $out[] = "$k=$v"; } return implode(',', $out); }
}
$b = new B;
var_dump($b);
print_r($b);
echo "\n";
var_export($b);
echo "\n";
var_dump(array_keys((array) $b) === ["\0A\0x", 'p', "\0*\0q", 'x', "\0B\0y"]);
var_dump(get_object_vars($b), $b->vars());
var_dump($b->ax(), $b->bx(), $b->x);
$b->setAx('A2');
$b->x = 'B2';
var_dump($b->ax(), $b->x);
echo $b->seen(), "\n", $b->seenB(), "\n";
foreach ($b as $k => $v) { echo "$k => $v\n"; }

#[AllowDynamicProperties]
class C extends A {}
$c = new C;
$c->x = 'dynamic';
var_dump($c, $c->ax(), $c->x, $c->seen());
var_dump(property_exists('C', 'x'), property_exists('A', 'x'), property_exists($c, 'x'));

$a = new A;
try { $a->x = 5; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { echo $a->x; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { echo $a->q; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { unset($a->q); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $r = &$a->x; } catch (Error $e) { echo $e->getMessage(), "\n"; }
var_dump(isset($a->x), isset($a->p));

// Unset declared properties keep their place when set again.
$o = new A;
unset($o->p);
var_dump($o);
$o->p = 'again';
var_dump($o);

// Clone keeps both.
$b2 = clone $b;
var_dump($b2 == $b, $b2->ax());
