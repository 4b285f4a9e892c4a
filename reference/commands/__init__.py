"""Sub-commands of the `genaccess` CLI, one module each (see `genaccess.reference.cli`)."""
