//! metajit-macros.
