"""chipwire: Chinese AI-chip news turned into queryable facts."""

__version__ = "0.1.0"
