"""The long_sequences screen's pure parts."""
