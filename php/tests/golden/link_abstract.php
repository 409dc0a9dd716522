<?php
abstract class Shape {
    abstract public function area(): float;
    abstract public function name(): string;
}
interface Drawable { public function draw(); public function hide(); }
abstract class Partial extends Shape implements Drawable {
    public function name(): string { return "partial"; }
}
echo "abstract classes may leave methods abstract\n";
class Square extends Partial {}
