<?php
class Coll implements IteratorAggregate { private $items = ['a' => 1, 'b' => 2]; public $pub = 'p';
  function getIterator(): Iterator { return new ArrIt($this->items); } }
class ArrIt implements Iterator { private $k; function __construct(private array $a) { $this->k = array_keys($a); }
  private $i = 0;
  function rewind(): void { echo "rewind\n"; $this->i = 0; }
  function valid(): bool { return $this->i < count($this->k); }
  function current(): mixed { return $this->a[$this->k[$this->i]]; }
  function key(): mixed { return $this->k[$this->i]; }
  function next(): void { $this->i++; } }
foreach (new Coll as $k => $v) echo "$k=$v\n";
class Plain { public $x = 1; protected $y = 2; private $z = 3; public $w = [4];
  function inside() { foreach ($this as $k => $v) echo "in $k\n"; } }
foreach (new Plain as $k => $v) echo "$k\n";
(new Plain)->inside();
