"""The live preview (`paperpress preview`): session.py makes what a save touched, watch.py hears the saves,
server.py serves the preview folder and tells the browser what changed, pages.py draws its own pages."""
