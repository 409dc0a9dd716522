<?php
// strtr, setlocale/localeconv, ini_parse_quantity, date/mktime, dir handles, autoload,
// get_defined_functions/get_declared_classes/get_included_files.
var_dump(strtr("Hi all, I said", ["Hi" => "Hello", "Hello" => "x", "said" => "say", "" => "z"]));
var_dump(strtr("abc", "ab", "xyz"), strtr("abc", []));
var_dump(setlocale(LC_ALL, "C"), setlocale(LC_NUMERIC, 0), setlocale(LC_ALL, "xx_YY"), setlocale(LC_ALL, ["xx", "POSIX"]));
var_dump(localeconv()["decimal_point"]);
foreach (['1k', ' 2M ', '0x10g', '-1', '1gb', '14.2bm', 'boat', '0b'] as $q) {
    var_dump(ini_parse_quantity($q));
}
var_dump(ini_alter('precision', '10'), ini_get('precision'));
$t = mktime(20, 0, 0, 8, 31, 1997);
var_dump($t, date("l, F dS, Y H:i:s", $t), gmdate("D, d M Y N jS z t L W o y a A g G h", 0));
var_dump(date("c r U", 1700000000), checkdate(2, 29, 2023), checkdate(2, 29, 2024));
var_dump(is_float(microtime(true)), is_string(microtime()), time() > 1600000000);
$d = opendir(__DIR__);
$n = 0;
while (($e = readdir($d)) !== false) {
    $n++;
}
rewinddir($d);
var_dump($n > 2, readdir($d) !== false);
closedir($d);
var_dump(@opendir(__DIR__ . "/nope"));
spl_autoload_register(function ($name) {
    echo "autoload $name\n";
    if ($name === 'Lazy') {
        eval('class Lazy { const X = 5; static function hi() { return "hi"; } }');
    }
});
var_dump(class_exists('Nope'), class_exists('Nope2', false), Lazy::X, Lazy::hi(), count(spl_autoload_functions()));
var_dump(is_subclass_of('Other', 'Lazy'));
function user_fn() {}
$f = get_defined_functions();
var_dump(in_array('strlen', $f['internal']), $f['user']);
var_dump(in_array('Lazy', get_declared_classes()), count(get_included_files()));
var_dump(get_defined_constants(true)['user'] ?? 'none');
define('MY_CONST', 1);
var_dump(get_defined_constants(true)['user']);
