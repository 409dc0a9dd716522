<?php
// preg_match and preg_match_all: groups, names, flags, offsets.
var_dump(preg_match('/(\d+)-(\d+)/', 'tel 555-1234 ok', $m), $m);
var_dump(preg_match('/(?<year>\d{4})-(?<month>\d\d)(-(?<day>\d\d))?/', 'on 2024-05 ok', $m), $m);
var_dump(preg_match('/(a)(b)?(c)?/', 'a', $m, PREG_UNMATCHED_AS_NULL), $m);
var_dump(preg_match('/(a)(x)?b/', 'zab', $m, PREG_OFFSET_CAPTURE), $m);
var_dump(preg_match('/b/', 'abcb', $m, PREG_OFFSET_CAPTURE, 2), $m);
var_dump(preg_match('/^b/', 'ab', $m, 0, 1), preg_match('/\Gb/', 'ab', $m, 0, 1));
var_dump(preg_match('/c/', 'abc', $m, 0, -1), preg_match('/a/', 'abc', $m, 0, 9), preg_last_error_msg());
var_dump(preg_match_all('/\d/', 'a1b22c333', $m), $m);
var_dump(preg_match_all('/(\w)(\d)?/', 'a1 b c3', $m, PREG_SET_ORDER), $m);
var_dump(preg_match_all('/(?<k>\w)=(?<v>\d)/', 'a=1, b=2', $m), $m);
var_dump(preg_match_all('/x*/', 'axxb', $m, PREG_OFFSET_CAPTURE), $m);
var_dump(preg_match_all('/a/', 'bbb', $m), $m);
var_dump(preg_match('/colou?r/i', 'COLOR'), preg_match('/^\s*$/', "  \n"), preg_match('/^abc$/m', "x\nabc\ny"));
var_dump(preg_match('/(?i)hello (?-i)World/', 'HELLO World'), preg_match('/(?i)hello (?-i)World/', 'HELLO WORLD'));
var_dump(preg_match('/[[:upper:]][[:digit:]]+[^[:space:]]/', 'xA12!'), preg_match('/\bcat\b/', 'concat cat'));
var_dump(preg_match('/(\w+) \1/', 'hello hello world', $m), $m[0]);
var_dump(preg_match('/\p{Lu}\p{Ll}+/u', 'élan Émile', $m), $m);
var_dump(preg_match('/^.$/u', 'é'), preg_match('/^.$/', 'é'), preg_match('/^\w+$/u', 'naïve'));
var_dump(preg_match('/./u', "\xff"), preg_last_error(), preg_last_error_msg());
var_dump(preg_match('/(?<=\d{3})px/', 'width: 100px', $m, PREG_OFFSET_CAPTURE), $m);
var_dump(preg_match('/^(?:(?!ab).)+$/', 'xaxbx'), preg_match('/^(?:(?!ab).)+$/', 'xabx'));
var_dump(preg_match('/a++b/', 'aaab'), preg_match('/(?>a+)ab/', 'aaab'), preg_match('/\d{2,}?/', '12345', $m), $m);
var_dump(preg_match('~^/user/(\d+)/?$~', '/user/42/', $m), $m);
var_dump(preg_match('{^[a-z]+}i', 'Abc1', $m), $m, preg_match('(a(b)c)', 'xabc', $m), $m);
var_dump(preg_match("/a\nb # comment\n/x", 'ab'));
var_dump(preg_match('/(?:\D+|<\d+>)*[!?]/', 'foobar foobar foobar'), preg_last_error() === PREG_BACKTRACK_LIMIT_ERROR, preg_last_error_msg());
var_dump(preg_match('/.*/', str_repeat('x', 100000), $m), strlen($m[0]));
