//! ngd-data
