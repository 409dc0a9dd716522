<?php
// Built-in string, math, type and array functions, with PHP's results.
var_dump(substr("hello", 1, 3), substr("hello", -3), substr("hello", 10), substr("hello", 1, -1), substr("abc", 0, -5));
var_dump(strpos("hello", "l"), strpos("hello", "z"), strpos("hello", "l", 3), strpos("hello", "l", -2), strrpos("hello", "l"));
var_dump(str_replace("l", "L", "hello"), str_replace(["a","b"], ["1"], "aabbc"), ucfirst("abc"), lcfirst("ABC"), ucwords("hello big world"), strrev("abc"));
var_dump(trim("  x \n"), rtrim("x..", "."), ltrim("0012", "0"), trim("abcxcba", "a..c"));
var_dump(floor(2.7), ceil(2.1), round(2.5), round(-2.5), round(1.955, 2), round(1234, -2), abs(-5), abs(-5.5), sqrt(16), max(1, 2.5, "3"), min([4, 2, 8]), max("apple", "banana"), pow(2, 10), pow(2.0, 3), intdiv(10, 3));
var_dump(gettype(1), gettype(1.0), gettype("s"), gettype(null), gettype([]), gettype(true), is_numeric("12"), is_numeric("12abc"), is_numeric(" 1"), is_numeric("1 "), is_numeric("."), intval("12abc"), intval(42.99), intval("0x1A", 16), intval("012", 0), floatval("1.5e3abc"), strval(1.0), boolval("0"));
var_dump(range(1, 5), range('a', 'e', 2), range(5, 1, 2), range(0, 1, 0.25));
var_dump(array_sum([1, 2, 3.5]), array_reverse([1, 2, 3]), array_merge([1, 2], ["a" => 3], [4]), strcmp("a", "b"), strcasecmp("HELLO", "hello"), ord("A"), chr(66), bin2hex("abc"), dechex(255), str_pad("5", 3, "0", STR_PAD_LEFT), ucwords("hello_world-foo bar"));
