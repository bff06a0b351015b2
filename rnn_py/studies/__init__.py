"""What the README and the page measure: hidden units, the loss landscape, the cells compared,
and the long-lag task."""
