<?php
// A compile-time warning for constexpr_include_errors.php.
class WarnsInvoke { protected function __invoke() {} }
return "loaded";
