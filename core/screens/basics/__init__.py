"""The basics screen's pure parts."""
