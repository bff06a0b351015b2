"""`python -m rnn_py`: see rnn_py.cli.main."""

from .cli.main import main

raise SystemExit(main())
