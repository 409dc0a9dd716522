<?php
namespace App\Models;

use InvalidArgumentException as IAE;

const VERSION = 3;

interface HasName { function name(): string; }

class User implements HasName {
    function __construct(private string $n) {}
    function name(): string { return strtoupper($this->n); }
    static function make($n) { return new static($n); }
}

function helper() { return __FUNCTION__ . " " . __NAMESPACE__; }

echo helper(), "\n";
echo User::class, " ", VERSION, " ", \strlen("abc"), " ", strlen("abcd"), "\n";
$u = User::make("bob");
echo $u->name(), " ", get_class($u), "\n";
var_dump($u instanceof HasName, $u instanceof \App\Models\User);
try { throw new IAE("x"); } catch (\Exception $e) { echo get_class($e), "\n"; }
$c = 'App\Models\User';
echo (new $c("dyn"))->name(), "\n";
echo \App\Models\helper(), "\n";
