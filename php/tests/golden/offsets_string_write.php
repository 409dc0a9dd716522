<?php
// Writes to string offsets: padding, first byte only, negative offsets, the errors for
// every other use of a string offset, and the value of the assignment.
function t($f) { try { $f(); } catch (Throwable $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; } }
t(function() { $s = "abc"; $s[] = 'x'; var_dump($s); });
t(function() { $s = "abc"; $s[0][0] = 'x'; var_dump($s); });
t(function() { $s = "abc"; $s[1.5][0] = 'x'; var_dump($s); });
t(function() { $s = "abc"; $s[0][] = 'x'; var_dump($s); });
t(function() { $s = "abc"; $s[0] .= 'x'; var_dump($s); });
t(function() { $s = "abc"; $s[0] += 1; var_dump($s); });
t(function() { $s = "abc"; $s[0] ??= 1; var_dump($s); });
t(function() { $s = "abc"; $s[5] ??= 'q'; var_dump($s); });
t(function() { $s = "abc"; $s[0]++; var_dump($s); });
t(function() { $s = "abc"; --$s[0]; var_dump($s); });
t(function() { $s = "abc"; $r = &$s[0]; var_dump($s); });
t(function() { $s = "abc"; $x = 1; $s[0] = &$x; var_dump($s); });
t(function() { $s = "abc"; unset($s[0]); var_dump($s); });
t(function() { $s = "abc"; unset($s[0][0]); var_dump($s); });
t(function() { $s = "abc"; unset($s["x"]); var_dump($s); });
t(function() { $s = "abc"; unset($s[1.5]); var_dump($s); });
t(function() { $s = "abc"; $s[0] = ''; var_dump($s); });
t(function() { $s = ""; $s[3] = 'x'; var_dump($s); });
t(function() { $s = "abc"; var_dump($s[0] = []); var_dump($s); });
t(function() { $s = "abc"; var_dump($s[0] = new stdClass); var_dump($s); });
t(function() { $s = "abc"; var_dump($s[0] = null); var_dump($s); });
t(function() { $s = "abc"; var_dump($s[0] = 1.5); var_dump($s); });
t(function() { $s = "abc"; var_dump($s[0] = true); var_dump($s); });
t(function() { $s = "abc"; var_dump($s[0] = false); var_dump($s); });
t(function() { $s = "abc"; var_dump($s[-4] = 'z'); var_dump($s); });
t(function() { $s = "abc"; var_dump($s[-3] = 'z'); var_dump($s); });
t(function() { $s = "abc"; var_dump($s["1x"] = 'zz'); var_dump($s); });
t(function() { $s = "abc"; $s["1.0"] = 'z'; var_dump($s); });
t(function() { $s = "abc"; $s[[]] = 'z'; var_dump($s); });
t(function() { $s = "abc"; $s[200000000] = 'z'; var_dump(strlen($s)); });
t(function() { $a = ["abc"]; $a[0][1] = 'Z'; var_dump($a); });
t(function() { $a = ["k" => ["abc"]]; $a["k"][0][4] = 'Z'; var_dump($a); });
t(function() { $o = new stdClass; $o->p = "abc"; $o->p[1] = 'Z'; var_dump($o->p); });
t(function() { $s = "abc"; $t = &$s; $t[1] = 'Z'; var_dump($s); });
t(function() { $s = "abc"; $t = $s; $t[1] = 'Z'; var_dump($s, $t); });
t(function() { $s = "foo"; $s[0] = $s[1] = $s[2] = 'q'; var_dump($s); });
t(function() { $s = 'abc'; $x = 'XYZ'; var_dump($s[0] = $x, $x); });
t(function() { $s = "abc"; $b = $s[1] = $s[2] = "long"; var_dump($s, $b); });
function &by_ref() { $str = "foo"; return $str[0]; }
t(function() { by_ref(); });
function set_first(&$x) { $x = 'z'; }
t(function() { $s = "foo"; set_first($s[0]); });
t(function() { $s = "foo"; $a = [&$s[0]]; });
// Error handlers that replace the string while a write warns: the write is dropped.
set_error_handler(function ($code, $msg) { echo "handler: $msg\n"; $GLOBALS['g'] = 'other'; });
$g = "abc";
$g[1.5] = 'x';
var_dump($g);
$g = "abc";
$g[0] = 'xy';
var_dump($g);
restore_error_handler();
// A loop writing bytes (in place) and reading them back.
$buf = str_repeat('.', 10);
for ($i = 0; $i < 300; $i++) {
    $buf[$i % 10] = chr(65 + $i % 26);
    $buf[-1] = '!';
}
var_dump($buf);
$grid = ["....", "...."];
for ($i = 0; $i < 100; $i++) {
    $grid[$i % 2][$i % 4] = $i % 3 ? 'o' : 'x';
}
var_dump($grid);
