"""Charts: the app's one look (style), honest axes, colour ranges that hold still, and the builders of the chart kinds
every screen shares (one builder per kind).

May import core.words, core.engine and core.reading."""
