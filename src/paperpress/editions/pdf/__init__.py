"""The PDF edition: edition.py lays the issue out with WeasyPrint; engine.py is every touch of WeasyPrint's
own internals; boxes.py, panels.py and contents_pages.py work on the laid-out pages."""
