<?php
class A { final public const X = 1; protected const Y = 2; }
class B extends A { public const Y = 3; }
echo B::Y, "\n";
class C extends A { const X = 2; }
