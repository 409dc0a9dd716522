//! Lexer unit tests: none yet; the lexer is exercised through the parser's tests, the
//! robustness tests and the lint conformance run.
