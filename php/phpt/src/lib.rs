//! hippy's `.phpt` runner: php-src's test format ([`phpt`]), its output matching ([`expect`]),
//! running one test on a PHP binary ([`run`]) and the committed results file ([`results`]).
//! The `phpt` binary puts them together; `lint-conformance` compares `hippy -l` with
//! `php -n -l` on the same tests.

pub mod expect;
pub mod phpt;
pub mod results;
pub mod run;
