"""What the page shows and keeps: its one state and URL form, the snapshot it paints, and the
extra panels' data (Code, console, notebook)."""
