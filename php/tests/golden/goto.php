<?php
$i = 0;
start:
$i++;
if ($i < 3) goto start;
echo $i, "\n";
goto end;
echo "skipped\n";
end:
echo "end\n";
function g() { goto x; echo "no"; x: echo "in g\n"; }
g();
