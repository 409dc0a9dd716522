<?php
echo "before\n";
$a = "abc" * 2;
echo "not reached\n";
