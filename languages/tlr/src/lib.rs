//! tlr.
