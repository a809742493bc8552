//! Standard models.
