<?php
// Code run by `eval` works on the variables of the scope that runs it.
eval('static $s = [1, 2];');
var_dump($s);
function scoped() {
    eval('static $t = "static";');
    var_dump($t);
    $u = 'before';
    eval('unset($u);');
    var_dump(isset($u));
    $w = 'w';
    eval('$alias = &$w;');
    $alias = 'through alias';
    var_dump($w);
    eval('global $glob;');
    var_dump($glob);
    eval('var_dump(count($_SERVER) > 0);');
    eval('echo $never_set;');
}
$glob = 'global value';
scoped();
for ($i = 0; $i < 3; $i++) {
    eval('static $count = 0; $count++;');
}
var_dump($count);

// In a method: `$this`, the class scope and static calls of the parents' methods.
class Base {
    public $n = 'base';
    function name() { return $this->n; }
}
class Child extends Base {
    public $n = 'child';
    private function secret() { return 'secret'; }
    function run() {
        var_dump(eval('return $this->n;'));
        var_dump(eval('return Base::name();'));
        var_dump(eval('return parent::name();'));
        var_dump(eval('return self::class;'));
        var_dump(eval('return $this->secret();'));
        var_dump(eval('return (function () { return $this->n; })();'));
        $this->n = 'changed';
        var_dump(eval('return $this->n;'));
    }
    static function srun() {
        var_dump(eval('return static::class;'));
        var_dump(eval('return isset($this);'));
    }
}
(new Child)->run();
Child::srun();
