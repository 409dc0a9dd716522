<?php
$sibling = "found next to lib.php";
