<?php
// Engine features: recursion, conditionals, lookbehind, atomic groups, UTF-8, limits.
$tests = [
    ['/\((?:[^()]++|(?R))*\)/', 'f(a(b)c) g(d)'],
    ['/^(\d|\((?1)\))$/', '((5))'],
    ['/(?<p>a(?&p)?b)/', 'xaabbx'],
    ['/^(<)?a(?(1)>)$/', '<a>'],
    ['/^(<)?a(?(1)>)$/', '<a'],
    ['/^(?(?=\d)\d{2}|[a-z])$/', 'b'],
    ['/^(?(DEFINE)(?<n>\d+))(?&n)-(?&n)$/', '12-345'],
    ['/(?|(a)|(b))\1/', 'bb'],
    ['/(?<=ab|c)x/', 'abx cx'],
    ['/(?<!foo)bar/', 'foobar bazbar'],
    ['/\b\w+(?=ing\b)/', 'sing running'],
    ['/(?>a|ab)c/', 'abc'],
    ['/a{3}+/', 'aaaa'],
    ['/[\w.+-]+@[\w-]+\.[\w.]+/', 'mail bob.smith+x@example.co.uk now'],
    ['/^\p{Lu}\p{Ll}+$/u', 'Émile'],
    ['/\p{Han}+/u', 'abc漢字def'],
    ['/\X/u', 'x'],
    ['/[^\pL\pM]+/u', 'héllo, wörld'],
    ['/(\d+)(?:px|em)(?!\w)/', '12pt 14px 16em'],
    ['/^(?:(\d+)|(\w+))$/', 'abc'],
    ['/(?i:ß)/u', 'STRASSE ß'],
    ['/\d+(?=€)/u', 'cost 30€'],
    ['/./su', "\n"],
    ['/^$/', ''],
    ['/\Aab\z/', "ab\n"],
    ['/\Aab\Z/', "ab\n"],
];
foreach ($tests as [$p, $s]) {
    $r = @preg_match($p, $s, $m);
    echo $p, ' => ', var_export($r, true), ' ', str_replace("\n", ' ', var_export($m, true)), "\n";
}
var_dump(preg_match_all('/(?<w>\w)\g<w>/', 'aa bc dd', $m), $m);
var_dump(preg_replace_callback('/\{((?:[^{}]++|\{(?1)\})*)\}/', fn($m) => '[' . strlen($m[1]) . ']', 'a{b{c}d}e{}'));
ini_set('pcre.backtrack_limit', '10');
var_dump(preg_match('/(a+)+b/', 'aaaaaaaaaa'), preg_last_error_msg());
ini_set('pcre.backtrack_limit', '1000000');
var_dump(preg_match('/^(a|b)*$/', str_repeat('ab', 1000000)), preg_last_error_msg());
var_dump(preg_split('/(\d)/', 'a1b2c', -1, PREG_SPLIT_DELIM_CAPTURE | PREG_SPLIT_NO_EMPTY));
var_dump(preg_match('/é/u', "caf\xe9"), preg_last_error_msg(), preg_match('/a/u', 'éa', $m, 0, 1), preg_last_error_msg());
