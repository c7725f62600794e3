"""Helpers shared by test modules: import them from here, never from ``conftest`` or another test module."""
