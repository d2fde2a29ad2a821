"""`make figures` writes the README between its markers, and the README keeps them (the script is run by hand)."""

import pytest

from scripts.readme_figures import README, replace_block, seeds_text


def test_only_the_text_between_the_markers_changes():
    text = "before\n<!-- figures:x:start -->\nold\nlines\n<!-- figures:x:end -->\nafter\n"
    assert replace_block(text, "x", "new") == "before\n<!-- figures:x:start -->\nnew\n<!-- figures:x:end -->\nafter\n"


def test_missing_markers_are_refused():
    with pytest.raises(SystemExit, match="no <!-- figures:y:start -->"):
        replace_block("no markers here", "y", "new")


@pytest.mark.parametrize("name", ["defaults", "comparison"])
def test_the_readme_has_every_block_the_script_writes(name):
    text = README.read_text()
    assert text.count(f"<!-- figures:{name}:start -->") == 1 and text.count(f"<!-- figures:{name}:end -->") == 1


@pytest.mark.parametrize(("seeds", "shown"), [([0, 1, 2, 3], "0–3"), ([2, 4], "2 and 4"), ([5], "5"), ([], "none")])
def test_seed_lists_read_naturally(seeds, shown):
    assert seeds_text(seeds) == shown
