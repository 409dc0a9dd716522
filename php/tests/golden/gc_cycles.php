<?php
// The cycle collector: what gc_collect_cycles() frees and counts, destructors of garbage
// objects (run first, once; an object a destructor stores away survives), the settings.

class Node
{
    public $children = [];
    public $parent;
    public function __construct(public string $name) {}
    public function add(Node $child): void
    {
        $child->parent = $this;
        $this->children[] = $child;
    }
}

class Noisy
{
    public $self;
    public function __construct(public string $name) {}
    public function __destruct()
    {
        echo "destruct {$this->name}\n";
    }
}

class Phoenix
{
    public $self;
    public static $saved;
    public function __destruct()
    {
        echo "phoenix destructed\n";
        self::$saved = $this;
    }
}

echo "-- nothing to collect\n";
var_dump(gc_collect_cycles());

echo "-- an object holding itself\n";
$a = new stdClass();
$a->self = $a;
var_dump(gc_collect_cycles());
unset($a);
var_dump(gc_collect_cycles());

echo "-- an array holding a reference to itself\n";
$arr = [1, 2];
$arr[] = &$arr;
unset($arr);
var_dump(gc_collect_cycles());

echo "-- a tree with parent links\n";
$root = new Node("root");
foreach (["a", "b", "c"] as $n) {
    $root->add(new Node($n));
}
$root->children[0]->add(new Node("a1"));
$keep = $root->children[1];
unset($root);
// Everything is reachable from $keep (b's parent is the root).
var_dump(gc_collect_cycles());
echo $keep->parent->name, " ", count($keep->parent->children), "\n";
unset($keep);
// 5 nodes and 5 arrays of children.
var_dump(gc_collect_cycles());

echo "-- destructors run first\n";
$x = new Noisy("x");
$y = new Noisy("y");
$x->self = $y;
$y->self = $x;
unset($x, $y);
var_dump(gc_collect_cycles());
echo "after\n";

echo "-- a destructor that saves its object\n";
$p = new Phoenix();
$p->self = $p;
unset($p);
var_dump(gc_collect_cycles());
var_dump(Phoenix::$saved instanceof Phoenix);
Phoenix::$saved = null;
var_dump(gc_collect_cycles());

echo "-- settings\n";
var_dump(gc_enabled());
gc_disable();
var_dump(gc_enabled(), ini_get("zend.enable_gc"));
$d = new stdClass();
$d->d = $d;
unset($d);
// Collecting by hand works while automatic collection is off.
var_dump(gc_collect_cycles());
ini_set("zend.enable_gc", "1");
var_dump(gc_enabled());
var_dump(array_keys(gc_status()));
var_dump(gc_status()["threshold"]);

echo "-- many cycles: collected automatically as they pile up\n";
$before = gc_status();
for ($i = 0; $i < 50000; $i++) {
    $o = new stdClass();
    $o->self = $o;
    $o->list = [$o];
}
unset($o);
var_dump(gc_status()["runs"] > $before["runs"]);
gc_collect_cycles();
// Every object and array of the loop.
var_dump(gc_status()["collected"] - $before["collected"]);
echo "done\n";
