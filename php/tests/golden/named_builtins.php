<?php
// Named arguments to built-in functions: mapped to positions, skipped optional parameters
// take their defaults, PHP's errors otherwise.

function show($f) {
    try {
        var_dump($f());
    } catch (Error $e) {
        echo get_class($e), ": ", $e->getMessage(), "\n";
    }
}

show(fn() => str_pad("x", 5, pad_type: STR_PAD_LEFT));
show(fn() => str_pad(length: 4, string: "ab", pad_string: "-"));
show(fn() => array_slice([1, 2, 3, 4, 5], 1, preserve_keys: true));
show(fn() => array_slice(array: ['a' => 1, 'b' => 2, 3], offset: 1));
show(fn() => array_fill(start_index: 5, count: 2, value: 'v'));
show(fn() => htmlspecialchars("<a href='x'>", double_encode: false));
show(fn() => implode(separator: ",", array: [1, 2, 3]));
show(fn() => json_encode(value: ['a' => 1], flags: JSON_PRETTY_PRINT));
show(fn() => array_keys([1, 2, 1], filter_value: 1));
show(fn() => array_keys([1, "1", 2], filter_value: 1, strict: true));
show(fn() => strlen(string: "four"));
show(fn() => in_array(needle: "1", haystack: [1, 2], strict: true));
show(fn() => round(num: 2.5, precision: 0));
show(fn() => number_format(1234.5, decimals: 2, thousands_separator: " "));
show(fn() => explode(limit: 2, separator: ",", string: "a,b,c"));
show(fn() => preg_split(pattern: "/,/", subject: "a,b", flags: PREG_SPLIT_NO_EMPTY));

// Errors: unknown names, names given twice, parameters that cannot be skipped.
show(fn() => str_pad(strng: "x", length: 3));
show(fn() => str_pad("x", 3, string: "y"));
show(fn() => str_pad(length: 3));
show(fn() => str_pad(string: "x"));
show(fn() => array_keys([1], strict: true));
show(fn() => array_merge([1], extra: [2]));
show(fn() => array_fill(0, 1, value: 1, value2: 2));

// call_user_func and call_user_func_array pass names on.
function f($a = 'a', $b = 'b', ...$rest) {
    return "a=$a b=$b rest=" . json_encode($rest);
}
show(fn() => call_user_func('f', b: 'B'));
show(fn() => call_user_func('f', 1, 2, 3, x: 'X'));
show(fn() => call_user_func('str_pad', 'x', 3, pad_type: STR_PAD_BOTH, pad_string: '*'));
show(fn() => call_user_func_array('f', ['b' => 'B', 'a' => 'A']));
show(fn() => call_user_func_array('f', ['A', 'x' => 'X']));
show(fn() => call_user_func_array('str_pad', ['x', 'length' => 3, 'pad_type' => STR_PAD_LEFT]));
show(fn() => call_user_func_array('f', ['b' => 'B', 'A']));
show(fn() => call_user_func_array('str_pad', ['string' => 'x', 'strin' => 3]));

// Built-in methods and constructors.
$e = new Exception(code: 7, message: "m");
echo get_class($e), " ", $e->getMessage(), " ", $e->getCode(), "\n";
$e = new RuntimeException(previous: $e);
echo get_class($e), " '", $e->getMessage(), "' ", get_class($e->getPrevious()), "\n";
show(fn() => new Exception(mesage: "x"));
show(fn() => new stdClass(x: 1));
class NoCtor {}
show(fn() => new NoCtor(y: 2));
$o = new ArrayObject(array: [3, 1, 2]);
echo count($o), "\n";
show(fn() => $o->offsetGet(key: 1));

// Names given twice in the source, or by a spread and by name.
function g($a, $b = 2) {
    return "$a $b";
}
show(fn() => g(a: 1, a: 2));
show(fn() => g(...['b' => 1], b: 2));
show(fn() => g(1, a: 2));
show(fn() => g(b: 2));

// Traces show named arguments by name.
function h(...$args) {
    throw new Exception("in h");
}
try {
    h(1, x: 2);
} catch (Exception $e) {
    echo $e->getTraceAsString(), "\n";
}
try {
    array_keys(strict: true);
} catch (Error $e) {
    echo $e->getTraceAsString(), "\n";
}
try {
    array_merge([1], a: [2]);
} catch (Error $e) {
    echo $e->getTraceAsString(), "\n";
}

// assert() with its argument named gets its description by name.
ini_set('zend.assertions', 1);
try {
    assert(assertion: 1 > 2);
} catch (AssertionError $e) {
    echo $e->getMessage(), "\n";
}
try {
    assert(description: "d");
} catch (Error $e) {
    echo $e->getMessage(), "\n";
}

// A built-in's own error shows the named arguments it was given beyond its parameters.
try {
    call_user_func('no_such_function', 1, x: 2);
} catch (TypeError $e) {
    echo $e->getMessage(), "\n", $e->getTraceAsString(), "\n";
}
try {
    max(values: 1);
} catch (Error $e) {
    echo $e->getMessage(), "\n", $e->getTraceAsString(), "\n";
}
