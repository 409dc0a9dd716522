//! Robustness: no panic, hang or stack overflow on any input. Deep nesting gets PHP's
//! `memory exhausted` past PHP's parser stack limit; random inputs only ever produce values.

use php_syntax::lexer::lex;
use php_syntax::token::TokenKind;
use php_syntax::{ParseOptions, Severity, ShortTags, lint};

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> Vec<u8> {
    let mut s = String::from("<?php\n$a = ");
    s.push_str(&open.repeat(depth));
    s.push_str(inner);
    s.push_str(&close.repeat(depth));
    s.push_str(";\n");
    s.into_bytes()
}

#[test]
fn php_depth_is_accepted() {
    // `php -n -l` accepts 9,993 levels of parentheses after `$a = ` and rejects 9,998.
    assert!(lint(&nested("(", "1", ")", 9_993), ParseOptions::default()).is_ok());
    let err = lint(&nested("(", "1", ")", 9_998), ParseOptions::default()).expect_err("too deep");
    assert_eq!(
        (err.severity, err.message.as_str(), err.line),
        (Severity::Parse, "memory exhausted", 2)
    );
}

#[test]
fn a_million_levels_is_an_error_not_a_crash() {
    let n = 1_000_000;
    for (open, inner, close) in [
        ("(", "1", ")"),
        ("[", "1", "]"),
        ("- ", "1", ""),
        ("!", "1", ""),
        ("$b = ", "1", ""),
        ("f(", "", ")"),
        ("fn() => ", "1", ""),
        ("\"{$a[", "1", "]}\""),
    ] {
        let err =
            lint(&nested(open, inner, close, n), ParseOptions::default()).expect_err("too deep");
        assert_eq!(err.message, "memory exhausted", "nesting {open}");
    }
    let mut blocks = String::from("<?php\n");
    blocks.push_str(&"{".repeat(n));
    blocks.push_str(&"}".repeat(n));
    let err = lint(blocks.as_bytes(), ParseOptions::default()).expect_err("too deep");
    assert_eq!(err.message, "memory exhausted");
}

/// `<?php $x = <<<A` with `depth` heredocs nested in `{$a[<<<A` interpolations, all with the
/// same label and indentation (each closing marker is ` A]}`), then the outer ` A;`.
fn nested_heredocs(depth: usize, closed: bool) -> Vec<u8> {
    let mut s = String::from("<?php\n$x = <<<A\n");
    s.push_str(&" {$a[<<<A\n".repeat(depth));
    s.push_str(" x\n");
    if closed {
        s.push_str(&" A]}\n".repeat(depth));
        s.push_str(" A;\n");
    }
    s.into_bytes()
}

#[test]
fn deeply_nested_heredocs_lex_in_linear_time() {
    // Every heredoc needs its closing marker's indentation before its body is read. PHP scans
    // ahead once per heredoc, which is quadratic here; the lexer scans ahead once for the
    // outermost heredoc and reuses what it learned for the nested ones.
    let depth = 20_000;
    let lexed = lex(&nested_heredocs(depth, true), ShortTags::On);
    assert!(lexed.error.is_none(), "{:?}", lexed.error);
    assert_eq!(lexed.tokens.last().map(|t| t.kind), Some(TokenKind::Eof));
    assert_eq!(lexed.heredoc_indents.len(), depth + 1);
    assert!(lexed.heredoc_indents.iter().all(|h| h.indent == 1));
    // Unclosed: the scan ahead stops at the end of the file instead.
    let lexed = lex(&nested_heredocs(depth, false), ShortTags::On);
    assert_eq!(lexed.heredoc_indents.len(), depth + 1);
    // PHP's parser gives up long before (see the next test).
    let err = lint(&nested_heredocs(depth, true), ParseOptions::default()).expect_err("too deep");
    assert_eq!(err.message, "memory exhausted");
}

#[test]
fn heredoc_nesting_depth_is_php_s() {
    // `php -n -l`: 1,998 levels accepted, 1,999 `memory exhausted` (5 parser states a level).
    assert!(lint(&nested_heredocs(1_998, true), ParseOptions::default()).is_ok());
    let err = lint(&nested_heredocs(1_999, true), ParseOptions::default()).expect_err("too deep");
    assert_eq!(err.message, "memory exhausted");
}

#[test]
fn long_chains_in_compile_time_checks() {
    // The checks of constant expressions, class references and defaults walk these
    // chains too; they must not overflow the stack either.
    let chain = " + 1".repeat(1_000_000);
    for (prefix, suffix) in [
        ("const A = 1", ";"),
        ("(1", ")::class;"),
        ("function f($a = 1", ") {}"),
        ("class C { const A = 1", "; }"),
        ("$a->{1", "}();"),
        ("$a = [...[1", "]];"),
    ] {
        let src = format!("<?php\n{prefix}{chain}{suffix}\n");
        let _ = lint(src.as_bytes(), ParseOptions::default());
    }
    let deep = format!(
        "<?php\nconst A = {}1{};\n",
        "[".repeat(9_000),
        "]".repeat(9_000)
    );
    assert!(lint(deep.as_bytes(), ParseOptions::default()).is_ok());
    let deep = format!(
        "<?php\nfunction f($a = {}1{}) {{}}\n",
        "-".repeat(9_000),
        ""
    );
    let _ = lint(deep.as_bytes(), ParseOptions::default());
}

#[test]
fn long_flat_chains_are_fine() {
    // Left-associative chains do not nest in PHP's parser; PHP itself accepts 50,000 terms.
    let mut s = String::from("<?php\n$a = 1");
    s.push_str(&" + 1".repeat(1_000_000));
    s.push_str(";\n$b = $c");
    s.push_str(&"->d()".repeat(200_000));
    s.push_str(";\n");
    assert!(lint(s.as_bytes(), ParseOptions::default()).is_ok());
}

/// xorshift64*: deterministic, so a failure is reproducible from the iteration number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "<?php ",
    "?>",
    "<?=",
    "$a",
    "$",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    "=",
    "=>",
    "->",
    "?->",
    "::",
    "\"",
    "'",
    "`",
    "<<<EOT\n",
    "\nEOT",
    "<<<'N'\n",
    "\nN;",
    "{$",
    "${",
    "#[",
    "/*",
    "*/",
    "//",
    "#",
    "\n",
    " ",
    "\\",
    "function",
    "fn",
    "class",
    "enum",
    "match",
    "if",
    "else",
    ":",
    "endif",
    "foreach",
    "as",
    "&",
    "...",
    "1",
    "0x",
    "1_",
    ".5",
    "e1",
    "static",
    "new",
    "list",
    "array",
    "yield",
    "from",
    "use",
    "namespace",
    "abc",
    "__halt_compiler",
    "(int)",
    "?",
    "!",
    "-",
    "+",
    "**",
    "??=",
    "$this",
    "break 2",
    "case",
    "default",
    "readonly",
    "\r",
    "\t",
    "\u{e9}",
    "\x01",
];

#[test]
fn random_inputs_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = std::time::Instant::now();
    for _ in 0..3_000 {
        let mut src = Vec::new();
        if rng.below(4) != 0 {
            src.extend_from_slice(b"<?php ");
        }
        let len = rng.below(60);
        for _ in 0..len {
            if rng.below(5) == 0 {
                src.push(rng.next() as u8);
            } else {
                src.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes());
            }
        }
        let _ = lint(&src, ParseOptions::default());
        if started.elapsed().as_secs() > 60 {
            break;
        }
    }
}
