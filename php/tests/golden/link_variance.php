<?php
// Overrides PHP accepts: contravariant parameters, covariant returns, added optional
// parameters, variadics; then one it rejects, declared after the output.
interface Shape {}
class Circle implements Shape {}
class Base {
    public function make(Circle $c): Shape { return $c; }
    public function me(): static { return $this; }
    public function self(): self { return $this; }
    public function list(): iterable { return []; }
    public function any(): mixed { return 1; }
    public function maybe(): ?Shape { return null; }
    public function union(int|string $x): int|string { return $x; }
    public function &ref() { static $r = 1; return $r; }
    public function rest(int ...$xs) { return $xs; }
}
class Child extends Base {
    public function make(Shape $c, $extra = null): Circle { return new Circle; }
    public function me(): static { return $this; }
    public function self(): static { return $this; }
    public function list(): array { return [1]; }
    public function any(): int { return 2; }
    public function maybe(): Circle { return new Circle; }
    public function union(int|string|float $x): int { return 1; }
    public function &ref() { static $r = 2; return $r; }
    public function rest(int|string ...$xs) { return $xs; }
}
class Bottom extends Base {
    public function any(): never { throw new Exception("never"); }
}
$c = new Child;
var_dump(get_class($c->make(new Circle)), $c->any(), $c->list(), $c->union("a"));
try { (new Bottom)->any(); } catch (Exception $e) { echo $e->getMessage(), "\n"; }
if (true) {
    class Wrong extends Base {
        public function union(int $x, $y = 'a long default string', $z = [1, 2], $w = PHP_INT_MAX, $v = 1.5, $u = null, $t = Base::class): int { return 1; }
    }
}
echo "not reached\n";
