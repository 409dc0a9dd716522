<?php
// `$GLOBALS['name'] = &...` binds the global variable itself.
function bind() {
    $local = 'local value';
    $GLOBALS['bound'] = &$local;
    $local = 'changed';
}
bind();
var_dump($bound);

$x = 1;
$GLOBALS['y'] = &$x;
$x = 2;
var_dump($y);
$GLOBALS['z'] = &$GLOBALS['y'];
$z = 3;
var_dump($x, $y);

class Holder {
    public $name = 'holder';
    function register() {
        $GLOBALS['current'] = &$this;
        $alias = &$this;
        $alias = 'not an object';
        var_dump($this->name);
    }
}
(new Holder)->register();
var_dump($current->name);

// `$GLOBALS` cannot be passed by reference.
function by_ref(&$r) {}
try {
    by_ref($GLOBALS);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}
$f = 'by_ref';
try {
    $f($GLOBALS);
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}

// `$v = &f()` of a function that returns no reference assigns the value (a static stays).
function value() { echo "value()\n"; return 'v'; }
function keep() {
    static $kept;
    if (!isset($kept)) {
        $kept = &value();
    }
    return $kept;
}
var_dump(keep(), keep());

// `$$name = &...` binds the variable the name names.
$target = 'bound_by_name';
$source = 'one';
$$target = &$source;
$source = 'two';
var_dump($bound_by_name);
function by_name() {
    $n = 'local';
    $v = 1;
    $$n = &$v;
    $v = 2;
    var_dump($local);
    $$n = &value();
    var_dump($local, $v);
}
by_name();
