"""Item pipelines, one per module, named for their action."""
