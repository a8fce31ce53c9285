"""The EPUB edition: edition.py makes the book's documents from the layouts, package.py zips them."""
