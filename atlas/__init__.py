"""Jazari Atlas: data, figures, map and exports for Morocco's Al-Jazari AI institutes.

Nothing in this package imports Streamlit: every function can be tested without a browser.
"""

from atlas.dataset import Dataset, load, validate
from atlas.schema import DataError, Problem

__version__ = "0.1.0"
__all__ = ["DataError", "Dataset", "Problem", "load", "validate", "__version__"]
