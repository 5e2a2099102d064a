"""Extra CLI commands, one module per area; every click command defined in a module here is
added to `zwgk` by zwgk.cli (so areas can grow without editing one shared file)."""
