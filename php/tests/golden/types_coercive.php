<?php
// Type declarations in coercive mode (the default): parameters, returns and typed
// properties, the scalar conversions of PHP 8.2, unions, nullable, intersections, self/static/
// parent, callable, iterable, variadic and by-reference parameters, and the errors.
function fi(int $x) { var_dump($x); }
function ff(float $x) { var_dump($x); }
function fs(string $x) { var_dump($x); }
function fb(bool $x) { var_dump($x); }
function fu(int|string $x) { var_dump($x); }
function fif(int|float $x) { var_dump($x); }
function fit(iterable $x) { var_dump($x); }
function fn2(?int $x) { var_dump($x); }
class S { function __toString(): string { return "S!"; } }
$cases = [
  ['fi', "5"], ['fi', "5.5"], ['fi', 5.5], ['fi', 5.0], ['fi', true], ['fi', false], ['fi', " 5"], ['fi', "5 "], ['fi', "5abc"], ['fi', "abc"], ['fi', null], ['fi', 1e20], ['fi', NAN], ['fi', "1e3"], ['fi', []],
  ['ff', 5], ['ff', "5"], ['ff', "1.5e3"], ['ff', true], ['ff', "x"],
  ['fs', 5], ['fs', 1.5], ['fs', true], ['fs', false], ['fs', new S], ['fs', []], ['fs', new stdClass],
  ['fb', 0], ['fb', "a"], ['fb', 0.0], ['fb', []],
  ['fu', 1.5], ['fu', 2.0], ['fu', true], ['fu', null],
  ['fif', "5"], ['fif', "5.5"], ['fif', "x"], ['fif', true],
  ['fit', 1], ['fn2', "x"], ['fn2', null],
];
foreach ($cases as [$f, $v]) {
  try { $f($v); } catch (TypeError $e) { echo get_class($e), ": ", $e->getMessage(), " @", $e->getLine(), "\n"; }
}
class TA {
  public int $x = 0;
  public ?string $s = null;
  public float $f = 0.0;
  public self|int $me = 1;
  public int $u;
  function r(): static { return $this; }
  function v(): void { return; }
  function g(int $a, self $b = null) { return $a; }
}
$a = new TA;
$a->x = "7"; var_dump($a->x);
$a->f = 3; var_dump($a->f);
try { $a->x = "zz"; } catch (TypeError $e) { echo $e->getMessage(), " @", $e->getLine(), "\n"; }
try { $a->x = 1.5; } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
var_dump($a->x);
try { $a->me = new stdClass; } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
try { $a->s = []; } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
try { echo $a->u; } catch (Error $e) { echo $e->getMessage(), "\n"; }
$a->x++; var_dump($a->x);
$a->x += 1.5; var_dump($a->x);
try { $a->g(1, new stdClass); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function rr1(): int { return "5"; }
var_dump(rr1());
function rr2(): int { return "x"; }
function rr3(): ?array { return null; }
var_dump(rr3());
function rr4(): string { }
try { rr4(); } catch (TypeError $e) { echo $e->getMessage(), " @", $e->getLine(), "\n"; }
$c = function (int $x): int { return $x * 2; };
try { $c("a"); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
$d = fn(int ...$xs) => array_sum($xs);
try { $d(1, 2, "x"); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function nv(): never { throw new Exception("n"); }
function nv2(): never { }
try { nv2(); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
interface I {} interface J {}
class B implements I {}
class C extends B implements J {
  public function __construct(public int $n = 0, protected ?string $s = null) {}
  public static function make(): static { return new static(); }
  public function me(): self { return $this; }
  public function par(parent $p): parent { return $p; }
  public function bad(): static { return new B; }
}
function inter(I&J $x) { return get_class($x); }
echo inter(new C), "\n";
try { inter(new B); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
$c = new C("5", 7); var_dump($c->n);
try { new C("x"); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
var_dump(get_class(C::make()));
var_dump(get_class($c->me()));
var_dump(get_class($c->par(new B)));
try { $c->par(new stdClass); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
try { $c->bad(); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function cb(callable $f) { return $f(2); }
echo cb('sqrt'), " ", cb(fn($x) => $x + 1), "\n";
try { cb('nope'); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function byref(int &$x) { $x++; }
$v = "41"; byref($v); var_dump($v);
function vari(string $sep, int ...$n) { return implode($sep, $n); }
echo vari(",", 1, "2", 3.0), "\n";
try { vari(",", 1, "x"); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function it(iterable $i): iterable { return $i; }
var_dump(it([1]));
function obj(object $o): object { return $o; }
try { obj(1); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function fbi(false|int $x) { var_dump($x); }
fbi(false); fbi("3");
try { fbi(true); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function mx(mixed $m): mixed { return $m; }
var_dump(mx(null));
function un(int|float $x) { var_dump($x); }
un("1e2"); un(true);
function ar(array $a = []) { return count($a); }
try { ar("x"); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function bl(bool $b) { var_dump($b); }
bl("0"); bl(2.5);
function named(int $a, string $b = "d") { var_dump($a, $b); }
named(b: 5, a: "6");
try { named(b: 1, a: "q"); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
class Q { public ?Q $next = null; public array $list = []; public int|string $u = 0; }
$q = new Q; $q->next = new Q; $q->u = 1.0; var_dump($q->u);
try { $q->list = "a"; } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
try { $q->next = new B; } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function implicit_none(): ?int { if (false) { return 1; } }
try { implicit_none(); } catch (TypeError $e) { echo $e->getMessage(), " @", $e->getLine(), "\n"; }
function never_ends(): never { }
try { never_ends(); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function defaults(int $i = PHP_INT_MAX, float $f = 1, ?array $a = null, string $s = null) { var_dump($i, $f, $a, $s); }
defaults();
$typed = function (int $x): int { return $x * 2; };
for ($i = 0; $i < 50; $i++) { $acc = ($acc ?? 0) + $typed((string)$i); }
var_dump($acc);
class UA { public int $u; public ?array $arr = null; }
class UB extends UA {}
$ub = new UB;
try { $ub->u++; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $ub->u += 2; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { echo $ub->u; } catch (Error $e) { echo $e->getMessage(), "\n"; }
$ub->arr[] = 1; var_dump($ub->arr);
$ub->u = true; var_dump($ub->u);
namespace_free_closure_self();
function namespace_free_closure_self() { $fn = function (self $x) {}; echo "closure with self compiles\n"; }
rr2();
