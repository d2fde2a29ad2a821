"""The training engine: cells, models, probes, the training session with its epoch loop and passes, the records it
keeps, the budget, admission and the machine's switches (threads, seeds, CPU kernels).

May import core.words only: it knows nothing of screens, files, charts or links."""
