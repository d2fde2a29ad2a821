"""The training engine: cells, models, probes, the training session with its epoch loop and passes, the records it
keeps, the budget, admission and the machine's switches (threads, seeds, CPU kernels); and what a learner asks of a
network at one moment without touching its run: which input drove each output (influence), an edited copy
(what_if), the next optimisation step taken apart (one_step).

May import core.words only: it knows nothing of screens, files, charts or links."""
