<?php
// __get/__set/__isset/__unset with their recursion guards, and __call/__callStatic.
class M {
    private $hidden = 'h';
    public $declared = 'd';
    private $data = [];
    function __get($n) { echo "__get($n)\n"; return $this->data[$n] ?? $this->$n; }
    function __set($n, $v) { echo "__set($n)\n"; $this->data[$n] = $v; }
    function __isset($n) { echo "__isset($n)\n"; return isset($this->data[$n]); }
    function __unset($n) { echo "__unset($n)\n"; unset($this->data[$n]); }
}
$m = new M;
var_dump($m->hidden);
$m->hidden = 'x';
var_dump(isset($m->hidden), isset($m->nope), $m->nope ?? 'default');
var_dump(empty($m->hidden));
unset($m->hidden);
var_dump(isset($m->hidden));
var_dump($m->declared);
unset($m->declared);
var_dump($m->declared);
$m->declared = 'back';
var_dump($m->declared);
$m->arr = [1];
$m->arr[] = 2;
var_dump($m->arr);

class R {
    private $store = ['n' => 1, 'list' => []];
    function &__get($n) { return $this->store[$n]; }
    function __set($n, $v) { echo "set $n\n"; $this->store[$n] = $v; }
}
$r = new R;
$r->list[] = 'through a reference';
var_dump($r->list);
var_dump(++$r->n, $r->n++, $r->n += 5);
$y = 1;
try { $r->z = &$y; } catch (Error $e) { echo $e->getMessage(), "\n"; }

class S { static $count = 1; }
$s = new S;
$s->count = 5;
var_dump($s->count, S::$count);

class Calls {
    function __call($n, $a) { echo "__call $n(", implode(',', $a), ")\n"; return $n; }
    static function __callStatic($n, $a) { echo "__callStatic $n(", implode(',', $a), ")\n"; return $n; }
    function inside() { self::viaSelf(1); static::viaStatic(2); Calls::viaName(3); }
    private function secret() { return 'secret'; }
}
$c = new Calls;
$c->foo(1, 2);
Calls::bar(3);
$c->inside();
$c->secret();
call_user_func([$c, 'cuf'], 4);
call_user_func('Calls::cufStatic', 5);
call_user_func_array([new Calls, 'arr'], [6, 7]);
$name = 'dynamic';
$c->$name();
Calls::$name();
var_dump(is_callable([$c, 'anything']), is_callable('Calls::anything'));
class NoMagic { function f() {} }
try { NoMagic::__construct(); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $f = 'NoMagic::f'; $f(); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $n = 1; NoMagic::$n(); } catch (Error $e) { echo $e->getMessage(), "\n"; }
