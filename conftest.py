"""Repository-wide pytest configuration: load the hypothesis profile named by
HYPOTHESIS_PROFILE (ci / dev / thorough)."""

from genaccess.spec.profiles import load_profile

load_profile()
