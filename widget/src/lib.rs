//! Sésame login widget (being written).
