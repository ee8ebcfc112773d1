"""Packaged data: the application icon and the desktop entry."""
