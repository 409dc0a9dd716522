<?php
class Point {
    public $x = 0;
    protected $y = [1, 2];
    private $z = 'z';
    const ORIGIN = 'o';
    static $count = 0;
    public function __construct($x, $y = 5) { $this->x = $x; $this->y[] = $y; self::$count++; }
    public function sum() { return $this->x + count($this->y); }
    public static function make($x) { return new static($x); }
    public function __toString(): string { return "P($this->x)"; }
}
class P3 extends Point {
    public $w = 1;
    public function sum() { return parent::sum() * 10; }
}
$p = new Point(3);
var_dump($p);
echo $p->sum(), "\n";
$q = P3::make(4);
print_r($q); echo "\n";
echo $q->sum(), " ", Point::$count, " ", P3::ORIGIN, "\n";
var_dump($q instanceof Point, $p instanceof P3);
$q->x += 5; $q->x++;
echo $q->x, "\n";
try {
    throw new InvalidArgumentException("bad", 7);
} catch (LogicException $e) {
    echo get_class($e) ?? '', $e->getMessage(), $e->getCode(), $e->getLine(), "\n";
} finally {
    echo "finally\n";
}
function f($n) { try { if ($n) return "ret"; } finally { echo "cleanup $n\n"; } return "end"; }
echo f(1), f(0), "\n";
try { intdiv(1, 0); } catch (DivisionByZeroError $e) { echo "caught ", $e->getMessage(), "\n"; }
$p->nope();
