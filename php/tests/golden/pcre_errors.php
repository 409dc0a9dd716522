<?php
// Compile errors and bad delimiters: PHP's warnings, false, and preg_last_error.
$patterns = ['/(abc/', '/abc)/', '/[abc/', '/a**/', '/*a/', '/a{2,1}/', '/(?<=a+)b/', '/\k<x>/',
    '/(a)\2/', '/x\/', '/[z-a]/', '/(?<n>a)(?<n>b)/', '/(?z)/', '/a{99999}/', '/[[:foo:]]/',
    "/\xff/u", '/\x{100}/', '/x{2}{3}/', '/\c/', '/(?#abc/', '/[\d-z]/', '/(?<a/', '/(?<>a)/',
    '/\u0041/', '', '   ', 'abc', '/abc', '/abc/q', '/abc/e', "/abc/\0", '(abc', '/\p{Foo}/u',
    '/(?P<1a>x)/', '/\g/', '/a{,3}/', '/[]a]/', '/\Q.*\E+/'];
foreach ($patterns as $p) {
    echo var_export($p, true), ': ';
    var_dump(preg_match($p, 'a.** ]a'));
    echo preg_last_error(), ' ', preg_last_error_msg(), "\n";
}
var_dump(preg_replace('/(/', 'x', 'abc'), preg_split('/(/', 'abc'), preg_grep('/(/', ['a']));
try {
    preg_match_all('/a/', 'a', $m, 999);
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
try {
    preg_match('/a/', 'a', $m, PREG_SET_ORDER);
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
