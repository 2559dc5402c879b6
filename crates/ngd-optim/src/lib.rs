//! ngd-optim
