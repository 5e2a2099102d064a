"""Extra CLI commands, one module per area; every click command defined in a module here is
added to `zwgk` by zwgk.cli (so areas can grow without editing one shared file)."""


def with_options(opts):
    """Apply a list of click options (shared option sets: politeness, notification)."""
    def deco(f):
        for o in reversed(opts):
            f = o(f)
        return f
    return deco
