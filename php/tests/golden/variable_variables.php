<?php
$name = 'foo';
$$name = 5;
echo $foo, "\n";
${'ba' . 'r'} = [1];
${'bar'}[] = 2;
print_r($bar);
function f() { $v = 'local'; $$v = 3; echo $local, " ", $$v, "\n"; $w = 'nope'; echo isset($$w) ? "set" : "unset", "\n"; echo $$w; }
f();
$obj = 'x'; $$obj = new stdClass; $$obj->p = 1; var_dump($x);
