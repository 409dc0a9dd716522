<?php
// highlight_string(): PHP's colours by token kind, HTML escaping, returning or printing.
$samples = [
    "<br /><?php echo \"foo\"; ?><br />",
    '<?php echo "foo[] $a \n"; ?>',
    "<?php\n  \$x = <<<'EOT'\nEOT\n  \$y = 2;\n?>",
    "<?php \$a = <<<EOT\n  x {\$a} \$b[1] y\n  EOT;\n/* c */ # d\n// e\n(int) 1.5 `ls` ?>\nhtml\t<?= 'x' ?>",
    "<?php class A { public function f(): ?int { return __LINE__ + 0x1F; } }",
    "<?php /** doc */ function g(\$x) { return \$x?->y ?? null; }",
    "<?php } foo(); 09 09;",
    "<?php __halt_compiler(); foo bar",
    "<?php /* unterminated",
    "plain text & <tags>",
    "",
];
foreach ($samples as $s) {
    var_dump(highlight_string($s, true));
}
var_dump(highlight_string("<?php echo 1;"));
echo "\n";
ini_set('highlight.keyword', 'red');
ini_set('highlight.default', 'red');
echo highlight_string("<?php if (\$a) echo 1;", true), "\n";
ini_set('highlight.default', '#000000');
echo highlight_string("a<?php if (\$a) echo 1;", true), "\n";
