<?php
// declare(ticks): tick functions run after every Nth statement under the declaration.

function tick_a($label) { echo "tick $label\n"; }
class Counter {
    public $n = 0;
    public function bump() { $this->n++; }
}
$c = new Counter;

var_dump(register_tick_function('tick_a', 'A'));
register_tick_function([$c, 'bump']);

declare(ticks=1) {
    $x = 1;
    $x;
    if ($x) {
        $y = 2;
    }
}
echo "outside: ", $c->n, "\n";

unregister_tick_function('tick_a');
declare(ticks=3) {
    for ($i = 0; $i < 4; $i++) {
        $z = $i;
    }
}
echo "counted: ", $c->n, "\n";

$unset;
echo "done\n";
