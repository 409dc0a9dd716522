<?php
// Warnings raised before a compile-time error are printed before it.
$a = [];
echo "${a}";
var_dump($a[]);
