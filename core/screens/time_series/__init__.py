"""The time_series screen's pure parts."""
