//! Sésame demo portal (being written).
