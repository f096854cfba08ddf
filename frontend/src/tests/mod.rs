//! Browser tests that span modules.
