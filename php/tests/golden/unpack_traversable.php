<?php
// Spreading arrays and Traversables into array literals and calls.

class Numbers implements Iterator {
    private $i = 0;
    public function __construct(private array $items) {}
    public function rewind(): void { echo "rewind\n"; $this->i = 0; }
    public function valid(): bool { return $this->i < count($this->items); }
    public function current(): mixed { return array_values($this->items)[$this->i]; }
    public function key(): mixed { return array_keys($this->items)[$this->i]; }
    public function next(): void { $this->i++; }
}

class Wrapper implements IteratorAggregate {
    public function __construct(private array $items) {}
    public function getIterator(): Iterator { return new ArrayIterator($this->items); }
}

class BadKeys implements Iterator {
    private $i = 0;
    public function rewind(): void { $this->i = 0; }
    public function valid(): bool { return $this->i < 3; }
    public function current(): mixed { return $this->i; }
    public function key(): mixed { return $this->i == 1 ? 1.5 : $this->i; }
    public function next(): void { $this->i++; }
}

class Throwing implements Iterator {
    private $i = 0;
    public function rewind(): void { $this->i = 0; }
    public function valid(): bool { return true; }
    public function current(): mixed {
        if ($this->i == 2) throw new Exception("stop at 2");
        return $this->i;
    }
    public function key(): mixed { return $this->i; }
    public function next(): void { $this->i++; }
}

function show(...$args) { var_dump($args); }
function pair($a, $b = 'B', ...$rest) { echo "a=$a b=$b rest=", json_encode($rest), "\n"; }
function refs($a, &$b, &...$more) { $b = 'changed'; }

// Array literals.
var_dump([...new Numbers([1, 2, 3])]);
var_dump([0, ...new Numbers(['x' => 'X', 5 => 'five', '7' => 'seven']), 9]);
var_dump([...new Wrapper(['a' => 1, 'b' => 2]), ...['a' => 3, 4]]);
var_dump(['k' => 1, ...['k' => 2]]);
$arr = [1, 2];
var_dump([PHP_INT_MAX - 1 => 0, ...[]]);
try {
    var_dump([PHP_INT_MAX - 1 => 0, ...$arr]);
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
try {
    var_dump([...new BadKeys]);
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
$notArray = 42;
try {
    var_dump([...$notArray]);
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
$obj = new stdClass;
try {
    var_dump([...$obj]);
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
try {
    var_dump([...new Throwing]);
} catch (Exception $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}

// Calls.
show(...new Numbers([1, 2]));
show(1, ...new Wrapper([2, 3]), ...[4]);
pair(...new Wrapper(['b' => 'named b', 'a' => 'named a']));
pair(...new Numbers([10, 'b' => 20]));
show(...['x' => 1, 'y' => 2]);
try {
    show(...new Numbers([1, 'k' => 2, 3]));
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
try {
    show(...['k' => 2, 3]);
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
try {
    show(...['k' => 1], ...['k' => 2]);
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
try {
    show(...new BadKeys);
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
try {
    show(...$notArray);
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
try {
    show(...new Throwing);
} catch (Exception $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}

// By-reference parameters: arrays pass references, Traversables values with a warning.
$vals = ['a', 'b', 'c', 'd'];
refs(...$vals);
var_dump($vals);
refs(...new ArrayIterator(['a', 'b', 'c']));
$it = new ArrayIterator(['a', 'b']);
refs(...$it);
echo "done\n";
