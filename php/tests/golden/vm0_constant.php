<?php
// `constant()` of global and class constants.
const TOP = 'top';
define('DEFINED', 42);
class Base {
    const PUB = 'public';
    protected const PROT = 'protected';
    private const PRIV = 'private';
    const EXPR = self::PUB . '!';
    static function inside() {
        var_dump(constant('self::PRIV'), constant('static::PUB'), constant('Base::PROT'));
    }
}
class Child extends Base {
    static function fromChild() {
        var_dump(constant('parent::PROT'));
        try {
            constant('parent::PRIV');
        } catch (Error $e) {
            echo $e->getMessage(), "\n";
        }
    }
}
var_dump(constant('TOP'), constant('DEFINED'), constant('Base::PUB'), constant('Base::EXPR'));
Base::inside();
Child::fromChild();
foreach (['NOPE', 'Base::NOPE', 'Nope::X', '::', 'Base::PRIV', 'Base::PROT', 'self::X'] as $name) {
    try {
        constant($name);
    } catch (Error $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
try {
    constant([]);
} catch (TypeError $e) {
    echo $e->getMessage(), "\n";
}
spl_autoload_register(function ($c) {
    echo "autoload $c\n";
    eval("class $c { const K = 'loaded'; }");
});
var_dump(constant('Lazy::K'));
