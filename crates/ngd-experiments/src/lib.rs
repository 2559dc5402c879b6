//! ngd-experiments
