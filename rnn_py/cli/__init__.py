"""`python -m rnn_py`: the command line."""
