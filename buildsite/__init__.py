"""build.py's parts, one module per concern; build.py is the command line that runs them.

paths (where the build reads and writes), runtime (the pinned npm packages and their integrity),
archives (our Python: the first screen's modules and the rest), pyc (bytecode by the page's own
Python), stdlib (the standard library the page ships), assemble (the site with its initial view,
service worker and offline bundle: build()) and testsetup (what `build.py test` installs, then
pytest).
"""
