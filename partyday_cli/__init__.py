"""partyday: the 党员活动日 toolkit for Party branches."""

__version__ = "0.1.0"
