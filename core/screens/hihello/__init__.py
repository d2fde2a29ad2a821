"""The hihello screen's pure parts."""
