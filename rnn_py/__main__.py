"""`python -m rnn_py`: see rnn_py.cli."""

from .cli.main import main

raise SystemExit(main())
