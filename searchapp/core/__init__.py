"""The search engine: plain Python and Whoosh, never Qt (a test enforces it).

Whoosh 2.7.4 was written before Python warned about invalid escape sequences; its modules
are compiled lazily, so the warnings would reach people at odd moments. They are silenced
here, for the whoosh package only: Python runs this file before any module of
searchapp.core, so before any of them imports Whoosh.
"""

import warnings

for _category in (SyntaxWarning, DeprecationWarning):
    warnings.filterwarnings("ignore", category=_category, module=r".*[\\/]whoosh[\\/].*")
    warnings.filterwarnings("ignore", category=_category, module=r"whoosh(\..*)?$")
