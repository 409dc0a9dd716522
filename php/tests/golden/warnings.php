<?php
// Warnings and deprecations printed inline, and the program goes on.
echo $undefined;
echo "after\n";
$x = $nope + 1;
var_dump($x);
echo "5 apples" + 3, "\n";
echo 7.5 | 1, "\n";
echo strlen(null), "\n";
$k = $notset;
$k++;
var_dump($k);
$m = $alsonot;
$m--;
var_dump($m);
