"""Drift: compile Python programs into OS-less appliances, boot and move them.

The ``drift`` command (:mod:`runtime.cli`) is a thin layer over this package.
"""

__version__ = "0.1.0"
