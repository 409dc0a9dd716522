<?php
// Variables of a function an exception leaves are released as it leaves (their destructors
// run before the catch block), whichever slot they are in.
class D {
    function __construct(public $n) {}
    function __destruct() { echo "destruct {$this->n}\n"; }
}
function first_var() { $o = new D(1); throw new Exception("x"); }
try { first_var(); } catch (Exception $e) { echo "caught\n"; }
function by_arg($o) { throw new Exception("x"); }
try { by_arg(new D(2)); } catch (Exception $e) { echo "caught\n"; }
$e = null;
echo "released\n";
function inner() { $o = new D(3); undefined_function(); }
function outer() { try { inner(); } catch (Error $e) { echo "caught in outer\n"; } echo "outer ends\n"; }
outer();
function nulled() { $o = new D(4); $o = null; echo "nulled\n"; throw new Exception("x"); }
try { nulled(); } catch (Exception $e) { echo "caught\n"; }
file_put_contents(sys_get_temp_dir() . "/hippy_unwind_inc.php", '<?php $inc = new D(5); throw new Exception("from include");');
function includer() { try { include sys_get_temp_dir() . "/hippy_unwind_inc.php"; } catch (Exception $e) { echo "caught include\n"; } echo "includer ends\n"; }
includer();
unlink(sys_get_temp_dir() . "/hippy_unwind_inc.php");
echo "end\n";
