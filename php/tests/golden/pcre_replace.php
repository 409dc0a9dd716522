<?php
// preg_replace, preg_filter, callbacks, preg_split, preg_quote, preg_grep.
var_dump(preg_replace('/(\w+) (\w+)/', '$2 ${1}!\0 \\1', 'hello world'));
var_dump(preg_replace('/a/', 'b', 'aaaa', 2, $count), $count);
var_dump(preg_replace(['/a/', '/b/'], ['b', 'c'], 'ab'), preg_replace(['/a/', '/b/'], 'x', ['k' => 'ab', 'zz']));
var_dump(preg_replace('/x*/', '-', 'abc'), preg_replace('/\s+/', ' ', "a  b\t\nc"));
var_dump(preg_replace('/(a)(x)?/', '[\2|$2|${1}|\\\\1|\$1|$3]', 'a'));
var_dump(preg_filter(['/\d/', '/[a-z]/'], ['#', '@'], ['1', 'a', '#', 'B']));
var_dump(preg_replace_callback('/\d+/', fn($m) => $m[0] * 2, 'a1 b22 c333', -1, $n), $n);
var_dump(preg_replace_callback('/(?<w>\w)(\d)?/', function ($m) { return implode(",", array_keys($m)) . "=" . implode(",", $m); }, 'a1b', 1));
var_dump(preg_replace_callback('/b(x)?/', fn($m) => var_export($m, true), 'ab', -1, $n, PREG_UNMATCHED_AS_NULL | PREG_OFFSET_CAPTURE));
var_dump(preg_replace_callback_array(['/\d+/' => fn($m) => 'N', '/[aeiou]/' => fn($m) => strtoupper($m[0])], 'abc 123 def', -1, $n), $n);
var_dump(preg_split('/[\s,]+/', "a, b  c,d"), preg_split('//', 'abc', -1, PREG_SPLIT_NO_EMPTY));
var_dump(preg_split('/(-)/', 'a-b-c', -1, PREG_SPLIT_DELIM_CAPTURE), preg_split('/-/', 'a-b-c', 2));
var_dump(preg_split('/ /', 'a b', -1, PREG_SPLIT_OFFSET_CAPTURE), preg_split('/\d*/', 'ab2c'));
var_dump(preg_split('//u', 'héllo', -1, PREG_SPLIT_NO_EMPTY));
var_dump(preg_quote('Hello.World?(1+1=2)[a-z]{3}^$|#/'), preg_quote('a/b#c', '/'), preg_quote("nul\0"));
var_dump(preg_grep('/^\d+$/', ['1', 'a', 'k' => '22', 3.5]), preg_grep('/^\d+$/', ['1', 'a', 'k' => '22'], PREG_GREP_INVERT));
var_dump(preg_replace('/é/iu', 'E', 'ÉTÉ été'), preg_replace('/\bfoo\b/i', 'bar', 'Foo food foo.'));
var_dump(preg_replace('/(?<=\d)(?=(\d{3})+$)/', ',', '1234567'));
var_dump(preg_replace('/^/m', '> ', "line1\nline2\n"));
var_dump(preg_replace('/\R/', '|', "a\r\nb\nc\rd"));
