//! annarchy
