"""pacewise: paced return to activity for people with chronic pain."""

__version__ = "0.1.0"
