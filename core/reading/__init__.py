"""Reading data: CSV files from bytes to a table, time series and their gaps, splits and scaling, characters as data,
and the one rule for whole numbers that come from widgets, links or files.

May import core.words and core.engine."""
