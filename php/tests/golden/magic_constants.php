<?php
// Magic constants.
echo __LINE__, " ", basename_like(__FILE__), "\n";
function basename_like($p) { return substr($p, strrpos($p, "/") + 1); }
function named() { return __FUNCTION__ . "|" . __METHOD__ . "|" . __CLASS__ . "|"; }
echo named(), __FUNCTION__, "|", __NAMESPACE__, "|\n";
echo __DIR__ === substr(__FILE__, 0, strrpos(__FILE__, "/")) ? "dir ok" : "dir bad", "\n";
echo
  __LINE__, "\n";
