"""zwgk: auditor for the open-government (政务公开) columns of Chinese government websites."""

__version__ = "0.1.0"
