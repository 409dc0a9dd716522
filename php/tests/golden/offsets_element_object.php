<?php
// A property written on an array element (`$a[k]->p = v`): the element is fetched for
// writing (made `null` when missing); on a string offset it is PHP's error.
$str = "x";
try { $str[0]->bar = "xyz"; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $str[0]->bar[1] = "bang"; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $str[0]->bar += 1; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $str[0]->bar = &$b; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { ++$str[0]->bar; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $str[0]->bar--; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { unset($str[0]->bar); } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $str[1.5]->bar = 1; } catch (Error $e) { echo $e->getMessage(), "\n"; }
try { $str[0][0]->bar = 1; } catch (Error $e) { echo $e->getMessage(), "\n"; }
var_dump($str);
function t($f) { try { $f(); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; } }
t(function() { $a = []; $a['k']->p = 1; var_dump($a); });
t(function() { $a = null; $a['k']->p = 1; var_dump($a); });
t(function() { $a = 5; $a['k']->p = 1; var_dump($a); });
t(function() { $a = []; unset($a['k']->p); var_dump($a); });
t(function() { $a = []; $a['k']->p[] = 1; var_dump($a); });
t(function() { $a = []; $a['k']->p .= 'x'; var_dump($a); });
t(function() { $a = []; $r = &$a['k']->p; var_dump($a); });
t(function() { $a = []; $a[]->p = 1; var_dump($a); });
t(function() { $a = ["x" => "str"]; $a["x"]->p = 1; });
t(function() { $o = new stdClass; $a = [$o]; $a[0]->p = 1; $a[0]->q[] = 2; $a[0]->p += 5; unset($a[0]->q); var_dump($o->p, isset($o->q)); });
t(function() { $o = new stdClass; $a = ['x' => $o]; $b = $a; $b['x']->p = 1; var_dump($a['x']->p); });
t(function() { $o = new stdClass; $o->list = [new stdClass]; $o->list[0]->name = 'n'; var_dump($o->list[0]->name); });
$GLOBALS['gl'] = new stdClass;
$GLOBALS['gl']->p = 3;
var_dump($gl->p);
