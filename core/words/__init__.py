"""Words: the translation catalogue, a message kept to be worded later, the glossary, the study note's sections and
the one error a learner sees.

The bottom of core: imports nothing of the project (only the standard library)."""
