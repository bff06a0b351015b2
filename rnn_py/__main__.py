"""`python -m rnn_py`: see rnn_py.cli."""

from .cli import main

raise SystemExit(main())
