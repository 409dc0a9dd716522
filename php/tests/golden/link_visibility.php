<?php
interface I { public function run(); }
class A implements I {
    protected function run() {}
}
