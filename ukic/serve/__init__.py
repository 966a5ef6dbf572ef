"""`ukic serve`: verify clusters on an interval and on watch events, and serve the verdicts over HTTP."""
