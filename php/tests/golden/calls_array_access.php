<?php
// Objects implementing ArrayAccess used with [].
class Box implements ArrayAccess {
    public $d = [];
    function offsetExists($o): bool { echo "exists(", var_export($o, true), ")\n"; return isset($this->d[$o]); }
    function offsetGet($o): mixed { echo "get(", var_export($o, true), ")\n"; return $this->d[$o] ?? null; }
    function offsetSet($o, $v): void {
        echo "set(", var_export($o, true), ")\n";
        if ($o === null) { $this->d[] = $v; } else { $this->d[$o] = $v; }
    }
    function offsetUnset($o): void { echo "unset(", var_export($o, true), ")\n"; unset($this->d[$o]); }
}
$b = new Box;
$b['x'] = 1;
$b[] = 2;
var_dump($b['x'], isset($b['x']), isset($b['nope']), empty($b['x']), empty($b['nope']));
$b['n'] = 1;
$b['n'] += 5;
var_dump($b['n']);
$b['n']++;
var_dump($b['n'] ?? 'none', $b['zz'] ?? 'none');
unset($b['x']);
$b['arr'] = [];
$b['arr'][] = 5;
$b['inner'] = new Box;
$b['inner']['y'] = 'deep';
var_dump($b['inner']->d);
[$p, $q] = $b;
['n' => $n] = $b;
var_dump($n);
$holder = ['box' => $b];
$holder['box']['h'] = 'via array';
unset($holder['box']['h']);
var_dump(isset($holder['box']['h']['i']));
$r = &$b['n'];
try {
    $b['x'] = &$r;
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
// A reference returned by offsetGet is written through.
class Refs implements ArrayAccess {
    private $data = [];
    function &offsetGet($k): mixed { return $this->data[$k]; }
    function offsetSet($k, $v): void { $this->data[$k] = $v; }
    function offsetExists($k): bool { return isset($this->data[$k]); }
    function offsetUnset($k): void { unset($this->data[$k]); }
}
$refs = new Refs;
$refs['list'][] = 1;
$refs['list'][] = 2;
var_dump($refs['list']);
$o = new stdClass;
foreach (['read' => fn() => $o[1], 'write' => function () use ($o) { $o[1] = 2; },
          'isset' => fn() => isset($o[1]), 'unset' => function () use ($o) { unset($o[1]); }] as $what => $fn) {
    try {
        $fn();
    } catch (Error $e) {
        echo "$what: ", $e->getMessage(), "\n";
    }
}
