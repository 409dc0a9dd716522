//! Unit tests of the engine: parsing, compile errors with PCRE2's messages and offsets, and
//! matching (expected results are what `php -n` gives).

use super::compile_delimited;
use super::exec::{self, ExecError, ExecOptions, Limits, UNSET};

/// The groups of the first match of `pattern` in `subject` (`None` for an unset group).
fn find(pattern: &str, subject: &str) -> Option<Vec<Option<String>>> {
    let prog = compile_delimited(pattern.as_bytes()).expect("pattern compiles");
    let s = subject.as_bytes();
    let m = exec::exec(&prog, s, 0, ExecOptions::default(), Limits::default())
        .expect("no limit hit")?;
    Some(
        m.chunks(2)
            .map(|c| (c[0] != UNSET).then(|| String::from_utf8_lossy(&s[c[0]..c[1]]).into_owned()))
            .collect(),
    )
}

/// The whole match of `pattern` in `subject`.
fn whole(pattern: &str, subject: &str) -> Option<String> {
    find(pattern, subject).and_then(|g| g[0].clone())
}

fn compile_error(pattern: &str) -> String {
    compile_delimited(pattern.as_bytes()).expect_err("pattern fails")
}

#[test]
fn literals_classes_and_anchors() {
    assert_eq!(whole("/b+/", "abbbc").as_deref(), Some("bbb"));
    assert_eq!(whole("/[a-c]+/i", "xxAbCd").as_deref(), Some("AbC"));
    assert_eq!(whole("/[^a-z]+/", "abc123def").as_deref(), Some("123"));
    assert_eq!(whole("/[[:alpha:]]+/", "12ab3").as_deref(), Some("ab"));
    assert_eq!(whole("/^b/", "ab"), None);
    assert_eq!(whole("/^b/m", "a\nb").as_deref(), Some("b"));
    assert_eq!(whole("/a$/", "a\n").as_deref(), Some("a"));
    assert_eq!(whole("/a$/D", "a\n"), None);
    assert_eq!(whole("/\\bfoo\\b/", "a foo b").as_deref(), Some("foo"));
    assert_eq!(whole("/a.c/", "a\nc abc").as_deref(), Some("abc"));
    assert_eq!(whole("/a.c/s", "a\nc").as_deref(), Some("a\nc"));
    assert_eq!(whole("/\\x41\\x{42}\\103/", "ABC").as_deref(), Some("ABC"));
    assert_eq!(whole("/a b # comment\n c/x", "abc").as_deref(), Some("abc"));
    assert_eq!(whole("/\\Q.*\\E+/", "a.**").as_deref(), Some(".**"));
}

#[test]
fn groups_quantifiers_and_backrefs() {
    let g = find("/(\\d+)-(?<name>\\w+)?/", "x 12-ab").expect("matches");
    assert_eq!(
        g,
        vec![Some("12-ab".into()), Some("12".into()), Some("ab".into())]
    );
    assert_eq!(whole("/a{2,3}/", "aaaa").as_deref(), Some("aaa"));
    assert_eq!(whole("/a{2,3}?/", "aaaa").as_deref(), Some("aa"));
    assert_eq!(whole("/a+?b/", "aaab").as_deref(), Some("aaab"));
    assert_eq!(whole("/a++a/", "aaaa"), None);
    assert_eq!(whole("/(?>a+)b/", "aaab").as_deref(), Some("aaab"));
    assert_eq!(whole("/(a|b)\\1/", "abba").as_deref(), Some("bb"));
    assert_eq!(whole("/(?i)(a)\\1/", "aA").as_deref(), Some("aA"));
    assert_eq!(
        whole("/(?<q>['\"]).*?\\k<q>/", "say 'hi' now").as_deref(),
        Some("'hi'")
    );
    assert_eq!(whole("/(a*)*b/", "aab").as_deref(), Some("aab"));
    assert_eq!(whole("/(a|)*c/", "aac").as_deref(), Some("aac"));
    assert_eq!(whole("/a(?i:b)c/", "aBc").as_deref(), Some("aBc"));
    assert_eq!(whole("/a(?i:b)c/", "aBC"), None);
    assert_eq!(whole("/x*/U", "xxx").as_deref(), Some(""));
}

#[test]
fn lookaround() {
    assert_eq!(
        whole("/foo(?=bar)/", "foobaz foobar").as_deref(),
        Some("foo")
    );
    assert_eq!(
        whole("/\\d+(?!px)\\b/", "12px 34em 56").as_deref(),
        Some("56")
    );
    assert_eq!(whole("/(?<=\\$)\\d+/", "a1 $42").as_deref(), Some("42"));
    assert_eq!(whole("/(?<!\\$)\\b\\d+/", "$42 17").as_deref(), Some("17"));
    assert_eq!(whole("/(?<=ab|c)x/", "cx").as_deref(), Some("x"));
    assert_eq!(whole("/(?=(\\w+))\\w/", "abc").as_deref(), Some("a"));
    assert_eq!(whole("/a\\Kb/", "ab").as_deref(), Some("b"));
}

#[test]
fn utf8_mode() {
    assert_eq!(whole("/./u", "été").as_deref(), Some("é"));
    assert_eq!(whole("/\\w+/u", "¿señor?").as_deref(), Some("señor"));
    assert_eq!(whole("/\\w+/", "señor").as_deref(), Some("se"));
    assert_eq!(whole("/ÉTÉ/iu", "un été").as_deref(), Some("été"));
    assert_eq!(whole("/[à-ü]+/u", "xéùx").as_deref(), Some("éù"));
    assert_eq!(whole("/(?<=é)x/u", "éx").as_deref(), Some("x"));
}

#[test]
fn compile_errors_match_pcre2() {
    assert_eq!(
        compile_error("/(abc/"),
        "Compilation failed: missing closing parenthesis at offset 4"
    );
    assert_eq!(
        compile_error("/abc)/"),
        "Compilation failed: unmatched closing parenthesis at offset 3"
    );
    assert_eq!(
        compile_error("/a**/"),
        "Compilation failed: quantifier does not follow a repeatable item at offset 2"
    );
    assert_eq!(
        compile_error("/a{2,1}/"),
        "Compilation failed: numbers out of order in {} quantifier at offset 5"
    );
    assert_eq!(
        compile_error("/(?<=a+)b/"),
        "Compilation failed: lookbehind assertion is not fixed length at offset 0"
    );
    assert_eq!(
        compile_error("/[z-a]/"),
        "Compilation failed: range out of order in character class at offset 3"
    );
    assert_eq!(compile_error("/abc/q"), "Unknown modifier 'q'");
    assert_eq!(
        compile_error("abc"),
        "Delimiter must not be alphanumeric, backslash, or NUL"
    );
    assert_eq!(compile_error("/abc"), "No ending delimiter '/' found");
    assert_eq!(
        compile_error("(abc"),
        "No ending matching delimiter ')' found"
    );
    assert_eq!(compile_error(""), "Empty regular expression");
}

#[test]
fn nesting_is_bounded() {
    let deep = format!("/{}a{}/", "(".repeat(300), ")".repeat(300));
    assert_eq!(
        compile_error(&deep),
        "Compilation failed: parentheses are too deeply nested at offset 250"
    );
    let ok = format!("/{}a{}/", "(?:".repeat(200), ")".repeat(200));
    assert_eq!(whole(&ok, "xa").as_deref(), Some("a"));
}

#[test]
fn catastrophic_patterns_hit_the_limit() {
    let prog = compile_delimited(b"/(?:\\D+|<\\d+>)*[!?]/").expect("compiles");
    let r = exec::exec(
        &prog,
        b"foobar foobar foobar",
        0,
        ExecOptions::default(),
        Limits::default(),
    );
    assert_eq!(r, Err(ExecError::BacktrackLimit));
    let prog = compile_delimited(b"/(a|b)*c/").expect("compiles");
    let long = "ab".repeat(500);
    let r = exec::exec(
        &prog,
        long.as_bytes(),
        0,
        ExecOptions::default(),
        Limits::default(),
    );
    assert_eq!(r, Ok(None));
}

#[test]
fn single_character_repeats_use_one_frame() {
    let big = "x".repeat(3_000_000);
    assert_eq!(whole("/^(.*)$/s", &big).map(|m| m.len()), Some(3_000_000));
    assert_eq!(whole("/a.*?c/", "abbbcc").as_deref(), Some("abbbc"));
    assert_eq!(whole("/x{2,4}+x/", "xxxxx").as_deref(), Some("xxxxx"));
    assert_eq!(whole("/é+/u", "aééb").as_deref(), Some("éé"));
    assert_eq!(whole("/.+b/u", "ééb").as_deref(), Some("ééb"));
}

#[test]
fn recursion_and_conditionals() {
    assert_eq!(
        whole("/\\((?:[^()]|(?R))*\\)/", "x(a(b)c)y").as_deref(),
        Some("(a(b)c)")
    );
    assert_eq!(
        whole("/^(\\d|\\((?1)\\))$/", "((5))").as_deref(),
        Some("((5))")
    );
    assert_eq!(whole("/^(\\d|\\((?1)\\))$/", "((5)"), None);
    assert_eq!(whole("/(?<p>a(?&p)?b)/", "xaabbx").as_deref(), Some("aabb"));
    assert_eq!(whole("/^(<)?a(?(1)>)$/", "<a>").as_deref(), Some("<a>"));
    assert_eq!(whole("/^(<)?a(?(1)>)$/", "<a"), None);
    assert_eq!(
        whole("/^(?(?=\\d)\\d{2}|[a-z])$/", "42").as_deref(),
        Some("42")
    );
    assert_eq!(
        whole("/^(?(?=\\d)\\d{2}|[a-z])$/", "b").as_deref(),
        Some("b")
    );
    assert_eq!(
        whole("/^(?(DEFINE)(?<n>\\d+))(?&n)-(?&n)$/", "12-345").as_deref(),
        Some("12-345")
    );
    assert_eq!(whole("/(a)(?-1)/", "aa").as_deref(), Some("aa"));
    assert_eq!(whole("/(?<x>b)\\g<x>/", "abb").as_deref(), Some("bb"));
    let g = find("/^(a(?1)?)$/", "aaa").expect("matches");
    assert_eq!(g[1].as_deref(), Some("aaa"));
}
