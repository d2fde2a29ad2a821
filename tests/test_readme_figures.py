"""`make figures` writes the README between its markers, and the README keeps them (the script is run by hand)."""

import re

import pytest

from scripts.readme_figures import README, per_capability, replace_block, seeds_text


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


def test_a_figure_is_given_once_where_every_capability_agrees_and_for_each_where_not():
    assert per_capability({"avx512": "99.4%", "avx2": "99.4%", "default": "99.4%"}) == "99.4%"
    assert (
        per_capability({"avx512": "95.0%", "avx2": "69.8%", "default": "69.8%"})
        == "95.0% under AVX512, 69.8% under AVX2 and DEFAULT"
    )


@pytest.mark.parametrize("name", ["defaults", "comparison"])
def test_each_block_says_which_torch_and_which_cpu_capabilities_measured_it(name):
    text = README.read_text()
    block = text[text.index(f"<!-- figures:{name}:start -->") : text.index(f"<!-- figures:{name}:end -->")]
    assert re.search(r"Measured with torch \d+\.\d+", block) and "CPU capability" in block
