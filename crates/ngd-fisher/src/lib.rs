//! ngd-fisher
