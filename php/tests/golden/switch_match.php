<?php
// switch (loose comparison, fallthrough, default anywhere, break N) and match (strict, no match is an error).
foreach ([1, "1", 2, "a", 3.0, null] as $v) {
  switch ($v) { case 1: echo "one "; case 2: echo "two "; break; case "a": echo "A "; break; default: echo "def "; }
  echo "| ";
  echo match(true) { $v === 1 => "int1", $v === "1", $v === 2 => "other", default => "dflt" }, "\n";
}
for ($i = 0; $i < 5; $i++) { switch ($i) { case 2: continue 2; case 4: break 2; } echo $i; }
echo "\n";
function grade($n) {
    switch (true) {
        default: return "F";
        case $n >= 90: return "A";
        case $n >= 80: return "B";
    }
}
echo grade(95), grade(85), grade(10), "\n";
$s = "b";
switch ($s) { case "a": echo "is a"; break; case "b": case "c": echo "b or c"; break; }
echo "\n", match(true) { default => "only default" }, "\n";
echo match(5) { 1 => "x" };
