<?php
echo json_encode([1.0, 0.1, 1e100, -0.0, 1.5e-7, "a/é\u{1F600}\"\\\x01", ["a"=>1], [], new stdClass, null, true]), "\n";
var_dump(json_encode(NAN), json_last_error(), json_last_error_msg());
var_dump(json_encode([1,[2]], JSON_PRETTY_PRINT), json_encode(["a"=>[]], JSON_PRETTY_PRINT|JSON_UNESCAPED_SLASHES));
try { json_encode(NAN, JSON_THROW_ON_ERROR); } catch (JsonException $e) { var_dump($e->getMessage(), $e->getCode()); }
var_dump(json_encode("\xff"), json_last_error_msg(), json_encode([[1]], 0, 1), json_last_error_msg());
var_dump(json_decode("[1,{\"a\":2.0,\"\":3}]"), json_decode("{\"a\":{\"b\":1}}", true), json_decode(""), json_last_error_msg(), json_decode("12345678901234567890"));
class J implements JsonSerializable { function jsonSerialize(): mixed { return ["j" => 1]; } }
class P { public $a = 1; protected $b = 2; private $c = 3; }
echo json_encode([new J, new P]), "\n";
class A { public $a = 1; protected $b = 2; private $c = 3; } class B { function __serialize(): array { return ["x"=>1]; } function __unserialize(array $d): void { var_dump($d); } } class C { public $p = 1; public $q = 2; function __sleep() { return ["p"]; } function __wakeup() { echo "wake\n"; } } $x = [1]; $arr = [&$x, &$x]; $o = new stdClass;
$s = serialize([new A, new B, new C, $arr, [$o, $o], 1.5, "é", 1e25, -0.0, true, null]);
echo $s, "\n";
var_dump(unserialize($s));
var_dump(unserialize("x"), unserialize("a:1:{i:0;i:1;"));
$u = unserialize('a:4:{i:0;i:1;i:1;R:2;i:2;i:2;i:3;R:3;}'); $u[0] = 9; var_dump($u);
