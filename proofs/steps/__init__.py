"""Each claim's proof as steps (`genaccess.spec.proof`), one module per claim ID, exporting
`PROOF`. The claim module registers it (`Claim(..., proof=PROOF)`) with the check
`genaccess.proofs.discharge.proof_check` that discharges it."""
