//! Compile-time warnings and deprecations ([`php_syntax::lint_reporting`]): each case gives
//! exactly the lines `php -n -l` printed for it (recorded from PHP 8.2, the file name left
//! out), warnings in PHP's order and the error that ended the lint, if any, last.

use php_syntax::{ParseOptions, lint_reporting};

fn report(src: &str) -> Vec<String> {
    let linted = lint_reporting(src.as_bytes(), ParseOptions::default());
    let line = |d: &php_syntax::Diagnostic| {
        format!("{}: {} on line {}", d.severity.label(), d.message, d.line)
    };
    let mut out: Vec<String> = linted.warnings.iter().map(line).collect();
    if let Err(e) = &linted.result {
        out.push(line(e));
    }
    out
}

const CASES: &[(&str, &[&str])] = &[
    // The scanner warns as it reads each token, the compiler afterwards; not while the
    // scanner looks ahead for a heredoc's closing marker.
    (
        "<?php\n<<<TEST\n\\400\n${\"\\400\"}\nTEST;\n",
        &[
            "Warning: Octal escape sequence overflow \\400 is greater than \\377 on line 3",
            "Warning: Octal escape sequence overflow \\400 is greater than \\377 on line 4",
            "Deprecated: Using ${expr} (variable variables) in strings is deprecated, use {${expr}} instead on line 3",
        ],
    ),
    // A part's line is that of the part compiled before it.
    (
        "<?php\necho \"a\n${b}\nx ${\n  c\n}\";\n",
        &[
            "Deprecated: Using ${var} in strings is deprecated, use {$var} instead on line 2",
            "Deprecated: Using ${expr} (variable variables) in strings is deprecated, use {${expr}} instead on line 3",
        ],
    ),
    (
        "<?php\ndeclare(\n  foo\n  =\n  1\n);\n",
        &["Warning: Unsupported declare 'foo' on line 3"],
    ),
    (
        "<?php\nwhile (1) { switch (1) { case 1: switch (2) { default: continue 2; } } }\n",
        &[
            "Warning: \"continue 2\" targeting switch is equivalent to \"break 2\". Did you mean to use \"continue 3\"? on line 2",
        ],
    ),
    (
        "<?php\nswitch (1) { case 1: switch (2) { default: continue 2; } }\n",
        &["Warning: \"continue 2\" targeting switch is equivalent to \"break 2\" on line 2"],
    ),
    (
        "<?php\nwhile (1) { switch (1) { case 1: while (1) { switch (2) { default: continue 2; } } } }\n",
        &[],
    ),
    // `Type $a = null` is still allowed before a required parameter.
    (
        "<?php\nfunction f(int $a = null, $b, ?int $c = null, int|null $d = null, $e) {}\n",
        &[
            "Deprecated: Optional parameter $c declared before required parameter $e is implicitly treated as a required parameter on line 2",
        ],
    ),
    (
        "<?php\n$f = fn&($a = [], $b): void => 1;\n",
        &[
            "Deprecated: Returning by reference from a void function is deprecated on line 2",
            "Deprecated: Optional parameter $a declared before required parameter $b is implicitly treated as a required parameter on line 2",
            "Fatal error: A void function must not return a value on line 2",
        ],
    ),
    // Warnings read before a parse error are printed before it.
    (
        "<?php\necho \"\\400\";\nfunction f() {\n",
        &[
            "Warning: Octal escape sequence overflow \\400 is greater than \\377 on line 2",
            "Parse error: Unclosed '{' on line 3 on line 4",
        ],
    ),
    // The `#!` line is skipped, and counted.
    (
        "#!/usr/bin/env php\n<?php\ndeclare(strict_types=1);\necho `\\777`;\n",
        &["Warning: Octal escape sequence overflow \\777 is greater than \\377 on line 4"],
    ),
    (
        "<?php\ndeclare(strict_types=2);\n",
        &["Fatal error: strict_types declaration must have 0 or 1 as its value on line 2"],
    ),
    // The return type is compiled before the parameters.
    (
        "<?php\nuse Foo;\nclass A {\n  private final function f() {}\n  private function __get($n) {}\n  protected static function __callStatic($n, $a) {}\n  function g(integer $a, \\boolean $b): resource {}\n}\n",
        &[
            "Warning: The use statement with non-compound name 'Foo' has no effect on line 2",
            "Warning: Private methods cannot be final as they are never overridden by other classes on line 4",
            "Warning: The magic method A::__get() must have public visibility on line 5",
            "Warning: The magic method A::__callStatic() must have public visibility on line 6",
            "Warning: \"resource\" is not a supported builtin type and will be interpreted as a class name. Write \"\\resource\" to suppress this warning on line 7",
            "Warning: \"integer\" will be interpreted as a class name. Did you mean \"int\"? Write \"\\integer\" to suppress this warning on line 7",
        ],
    ),
    (
        "<?php\nnamespace N;\nuse Foo;\nuse A\\Double;\nfunction g(double $a, boolean $b) {}\n",
        &[
            "Warning: \"boolean\" will be interpreted as a class name. Did you mean \"bool\"? Write \"\\N\\boolean\" or import the class with \"use\" to suppress this warning on line 5",
        ],
    ),
    (
        "<?php\ndeclare(encoding='UTF-8');\n",
        &[
            "Warning: declare(encoding=...) ignored because Zend multibyte feature is turned off by settings on line 2",
        ],
    ),
];

#[test]
fn warnings_match_php() {
    let mut failures = Vec::new();
    for (src, expected) in CASES {
        let actual = report(src);
        if actual != *expected {
            failures.push(format!(
                "{src:?}\n  php:   {expected:?}\n  hippy: {actual:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Calls to built-in functions are checked when the host lists them.
#[test]
fn builtins_make_reads_of_appends_errors() {
    fn builtins(name: &[u8]) -> Option<&'static [usize]> {
        match name {
            b"var_dump" => Some(&[]),
            b"sort" => Some(&[0]),
            _ => None,
        }
    }
    let options = ParseOptions {
        builtins: Some(builtins),
        ..ParseOptions::default()
    };
    let error = |src: &str| {
        lint_reporting(src.as_bytes(), options)
            .result
            .err()
            .map(|d| (d.message, d.line))
    };
    assert_eq!(
        error("<?php\n\nvar_dump($a[]);"),
        Some(("Cannot use [] for reading".into(), 3))
    );
    assert_eq!(error("<?php\nsort($a[]);\nunknown($a[]);"), None);
    // In a namespace the call may reach a function of the namespace: resolved at run time.
    assert_eq!(error("<?php\nnamespace A;\nvar_dump($a[]);"), None);
    assert_eq!(
        error("<?php\nnamespace A;\n\\var_dump($a[]);"),
        Some(("Cannot use [] for reading".into(), 3))
    );
}
