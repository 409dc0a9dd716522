<?php
// php_strip_whitespace() and highlight_file()/show_source() on a file.
$f = __DIR__ . '/stdlib0_strip.tmp';
file_put_contents($f, "<?php\n/* comment */\n\$a   =  1; // one\n#two\n\$b = <<<EOT\n  text  here\n  EOT;\necho   \$a\t+ \$b;\n?>\ntail\n");
var_dump(php_strip_whitespace($f));
var_dump(highlight_file($f, true));
show_source($f);
echo "\n";
unlink($f);
var_dump(@php_strip_whitespace($f));
var_dump(@highlight_file($f));
