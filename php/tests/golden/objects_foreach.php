<?php
// foreach over objects: the visible properties, walked live; by reference too.
class V {
    public $a = 'a';
    protected $b = 'b';
    private $c = 'c';
    function walk() { foreach ($this as $k => $v) { echo "$k=$v "; } echo "\n"; }
    function change() { foreach ($this as $k => &$v) { $v = "changed $k"; } }
}
class W extends V {
    private $d = 'd';
    function walkW() { foreach ($this as $k => $v) { echo "$k=$v "; } echo "\n"; }
}
$w = new W;
foreach ($w as $k => $v) { echo "$k=$v "; }
echo "\n";
$w->walk();
$w->walkW();
$w->change();
var_dump($w);
foreach ($w as $k => &$v) { $v = strtoupper($v); }
unset($v);
var_dump($w);

$o = new stdClass;
$o->x = 1;
$o->y = 2;
$n = 0;
foreach ($o as $k => $v) {
    echo "$k=$v\n";
    if ($n++ < 2) { $o->{"added$n"} = $n; }
}
$o = new stdClass;
$o->a = 1; $o->b = 2; $o->c = 3;
foreach ($o as $k => $v) {
    echo "$k=$v\n";
    if ($k === 'a') { unset($o->b); }
}
class It implements Iterator {
    function current(): mixed { return 1; } function key(): mixed { return 0; }
    function next(): void {} function rewind(): void {} function valid(): bool { return false; }
}
try { $it = new It; foreach ($it as &$v) {} } catch (Error $e) { echo $e->getMessage(), "\n"; }
class Bad implements IteratorAggregate { function getIterator(): Traversable { throw new Exception('from getIterator'); } }
try { foreach (new Bad as $v) {} } catch (Exception $e) { echo $e->getMessage(), "\n"; }
