<?php
function needs_two($a, $b) { return $a . $b; }
echo needs_two("x", "y"), "\n";
echo needs_two("only");
