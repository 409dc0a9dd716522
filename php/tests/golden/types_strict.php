<?php
declare(strict_types=1);
// Type declarations under strict_types=1: arguments are checked in the mode of the calling
// file (only int widens to float), returns in the mode of the function's file, property
// writes in the mode of the writing code's file; built-ins calling back check coercively.
require __DIR__ . '/include_files/types_lib.php';
function fi(int $x) { return $x; }
function ff(float $x) { return $x; }
function fs(string $x) { return $x; }
function fb(bool $x) { return $x; }
function fr(): int { return "5"; }
function fr2(): float { return 5; }
function fr3(): ?string { return 5; }
$t = function ($f, ...$a) { try { var_dump($f(...$a)); } catch (TypeError $e) { echo $e->getMessage(), "\n"; } };
$t('fi', 5); $t('fi', "5"); $t('fi', 5.0); $t('fi', true);
$t('ff', 5); $t('ff', "5.5");
$t('fs', 5); $t('fs', null);
$t('fb', 0); $t('fb', false);
$t('fr'); $t('fr2'); $t('fr3');
$t('lib_int', "7");
$t('lib_ret');
var_dump(array_map('fi', ["1", "2"]));
var_dump(lib_call(fn(int $x) => $x + 1));
$p = new LibProps;
try { $p->n = "4"; } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
$p->f = 4; var_dump($p->f);
lib_set($p); var_dump($p->n);
$g = fn(int $x): string => $x * 2;
try { $g(2); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
function nul(?int $x = null, int|string|null $y = 5) { var_dump($x, $y); }
nul(); nul(null, null); nul(3, "a");
try { nul(1.5); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
class S { public function __toString(): string { return "S"; } }
try { fs(new S); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
class M { public function m(int ...$n): int { return array_sum($n); } }
var_dump((new M)->m(1, 2, 3));
try { (new M)->m(1, 2.5); } catch (TypeError $e) { echo $e->getMessage(), "\n"; }
for ($i = 0, $s = 0.0; $i < 50; $i++) { $s += ff($i); }
var_dump($s);
fi("9");
