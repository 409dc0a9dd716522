<?php
// const, define, defined, constant, and an undefined constant.
const GREETING = "hi";
define("ANSWER", 42);
echo GREETING, " ", ANSWER, " ", constant("ANSWER"), "\n";
var_dump(defined("ANSWER"), defined("NOPE"), define("ANSWER", 1));
const GREETING = "again";
function show() { return GREETING . "!"; }
echo show(), "\n";
echo NOPE;
