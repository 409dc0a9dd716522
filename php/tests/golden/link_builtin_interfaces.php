<?php
// Built-in interfaces: tentative return types only deprecate (unless the method says
// #[\ReturnTypeWillChange]); their methods must be implemented.
class Bag implements ArrayAccess, Countable {
    public function offsetExists($k): bool { return false; }
    public function offsetGet($k) { return null; }
    #[\ReturnTypeWillChange]
    public function offsetSet($k, $v) {}
    public function offsetUnset($k): void {}
    public function count(): int { return 0; }
}
echo (new Bag)->count(), "\n";
class Walker implements Iterator {}
