"""The distributors' catalog of every issue in dist/ and its feeds, made from the states builds recorded."""
