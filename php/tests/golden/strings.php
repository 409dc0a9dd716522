<?php
// Concatenation, interpolation, conversions to string, string increment.
$name = "World";
$n = 42;
echo "Hello, $name! $n items\n";
echo 'single $name\n', "\n";
echo "braces {$name}s and {$n}\n";
$s = "a";
for ($i = 0; $i < 5; $i++) { $s .= $i; }
echo $s, " ", strlen($s), "\n";
echo "x" . 1 . 2.5 . true . false . null . "y\n";
echo 1.0, " ", 100000000000000000000, " ", 0.00001, " ", 123456789012345678, "\n";
$z = "Az"; $z++; echo $z, "\n";
$z = "zz"; $z++; echo $z, "\n";
$z = "a9"; $z++; echo $z, "\n";
$z = "9"; $z++; var_dump($z);
$z = "abc"; $z--; var_dump($z);
echo str_repeat("ab", 3), "|", str_repeat("x", 0), "|\n";
var_dump("abc" . 1, (string) 1.5, (string) true, (string) null);
echo strlen("héllo"), "\n";
$long = "";
for ($i = 0; $i < 1000; $i++) { $long .= "0123456789"; }
echo strlen($long), "\n";
