<?php
// A file in coercive mode, included by types_strict.php (in strict mode).
function lib_int(int $x) { return $x; }
function lib_ret(): int { return "12"; }
class LibProps { public int $n = 0; public float $f = 0.0; }
function lib_set(LibProps $p) { $p->n = "33"; }
function lib_call(callable $f) { return $f("21"); }
