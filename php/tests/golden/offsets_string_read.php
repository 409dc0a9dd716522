<?php
$s = "abcdef";
$ks = [1, -1, 10, -10, "1", " 1", "1 ", "1x", "1.0", "x", "", 1.5, 1.0, true, false, null, "-1", "9999999999999999999999"];
foreach ($ks as $k) {
  echo "== "; var_dump($k);
  try { var_dump($s[$k]); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
  try { var_dump($s[$k] ?? "dflt"); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
  try { var_dump(isset($s[$k])); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
  try { var_dump(empty($s[$k])); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
  try { var_dump(isset($s[$k][0])); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
  try { $t = $s; $t[$k] = 'Z'; var_dump($t); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
}
foreach ([[], new stdClass, STDIN] as $k) {
  try { var_dump($s[$k]); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
  try { var_dump($s[$k] ?? "dflt"); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
  try { var_dump(isset($s[$k])); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
  try { $t = $s; $t[$k] = 'Z'; var_dump($t); } catch (Error $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }
}
