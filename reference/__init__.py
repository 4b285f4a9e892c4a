"""genaccess.reference: reference learners and experiments, written against the oracle only.

A learner receives an `Oracle` (never a `Generator`) and returns its output; each says in
its docstring which claim it realises.
"""
