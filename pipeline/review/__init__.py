"""Review: the analysts' report of conflicts and near misses, and their decisions applied on every run."""
