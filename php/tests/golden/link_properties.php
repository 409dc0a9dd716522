<?php
class A {
    public int $n = 1;
    protected ?A $link = null;
    public $loose;
}
class B extends A {
    public int $n = 2;
    public ?A $link = null;
    public $loose = 3;
}
var_dump((new B)->n);
class C extends A {
    public ?int $n = 3;
}
