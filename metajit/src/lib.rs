//! metajit: a meta-tracing JIT framework.
