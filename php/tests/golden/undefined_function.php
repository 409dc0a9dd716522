<?php
function known() { return 1; }
echo known(), "\n";
echo unknown_function(1, 2);
