"""The text task: a character-level network over a learner's own text, and its page,
notebook, goals and command."""
