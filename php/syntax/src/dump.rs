//! Compact AST dump for snapshot tests.
