<?php
// Chains of elements and properties: computed keys and names first, then the fetches.
$a = 2;
$b = 1;
var_dump($a->$b->{$c[1]});
var_dump($x->$y->$z);
var_dump($x[$y][$z]);
var_dump($u[$v[1]]);

function key1() { echo "key1\n"; return 'k'; }
function key2() { echo "key2\n"; return 'l'; }
$arr = ['k' => ['l' => 'found']];
var_dump($arr[key1()][key2()]);
$o = new stdClass;
$o->k = new stdClass;
$o->k->l = 'prop';
var_dump($o->{key1()}->{key2()});

// A variable operand is read when the operator runs.
$s = 'bad';
$t = 'good';
echo $s . ($s = $t), "\n";
$n = 1;
echo $n - $n++, "\n";
$n = 1;
echo $n - ++$n, "\n";
$n = 1;
echo $n + ($n = 5), "\n";
function setg() { global $g; $g = 'after'; return ''; }
$g = 'before';
echo $g . setg(), "\n";
$q = 5;
echo $q . $q, "\n";
var_dump($undefined1 + ($w = 1));
