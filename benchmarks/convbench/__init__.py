"""The benchmark of convlib against PyTorch, TensorFlow and SciPy, one concern per module.

- :mod:`convbench.threads`: the thread count every peer gets, set before NumPy is imported;
- :mod:`convbench.suite`: the layers timed, the kernel sweep and the targets;
- :mod:`convbench.peers`: the callables timed (convlib, PyTorch, TensorFlow, SciPy, the seed loop);
- :mod:`convbench.floors`: work a method cannot skip, timed as lower bounds of its time;
- :mod:`convbench.measure`: one layer, the seed loop, the spin and the sweep, timed with
  :mod:`convlib.timing` (the harness the fast-convolution page uses too);
- :mod:`convbench.machine`: what ran where (machine, versions, commit, methods' sources);
- :mod:`convbench.report`: the targets, the table, the JSON file and ``--compare``;
- :mod:`convbench.cli`: the command line of ``benchmarks/bench_conv.py``.
"""
