"""genaccess.proofs: z3 and sympy checks, each tied to a theorem ID.

Every solver check returns a `ProofResult` (proved / refuted with a counterexample /
unknown) and only `proved` passes (`require_proved`).
"""
