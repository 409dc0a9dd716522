<?php
// A parse error for constexpr_include_errors.php.
function f() {
