<?php
// uniqid(), lcg_value(), get_extension_funcs(), setlocale() with the locales every system
// has, and float output that does not follow the locale.
$a = uniqid();
$b = uniqid();
var_dump(strlen($a), $a !== $b, (bool)preg_match("/^[0-9a-f]{13}$/", $a));
$c = uniqid("pre_", true);
var_dump(strlen($c), (bool)preg_match('/^pre_[0-9a-f]{13}\d\.\d{8}$/', $c));
$x = lcg_value();
var_dump(is_float($x) && $x >= 0 && $x < 1);

var_dump(get_extension_funcs("no_such_extension"));
var_dump(get_extension_funcs(true));
$std = get_extension_funcs("standard");
var_dump(is_array($std), in_array("strlen", $std), in_array("str_replace", $std));
$core = get_extension_funcs("zend");
var_dump(in_array("strlen", $core), in_array("str_replace", $core), $core === get_extension_funcs("Core"));

var_dump(setlocale(LC_ALL, 0));
var_dump(setlocale(LC_ALL, "C.UTF-8"), setlocale(LC_NUMERIC, "POSIX"), setlocale(LC_ALL, 0));
var_dump(setlocale(LC_ALL, "xx_NOWHERE", ["yy", "C"]), setlocale(LC_CTYPE, "zz"));
var_dump(setlocale(100, "C"), setlocale(LC_ALL, str_repeat("a", 300)));
echo 3.14, " ", 1e100, " ", (float)"3.14", " ", 0.1 + 0.2, "\n";
var_dump(ini_get('input_encoding'), ini_get('highlight.comment'));
