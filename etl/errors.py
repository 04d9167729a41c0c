"""Errors that reject one input file with a reason a user can act on."""


class RejectedFile(ValueError):
    """The file cannot become a document; the message says why (it goes into `load_errors`)."""
