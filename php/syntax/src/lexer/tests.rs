//! Lexer tests: tokens, strings, heredocs and the scanner's edge cases.


